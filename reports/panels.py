"""reports' sections of other apps' pages (registered with councils.panels): the committee
reports an impact assessment goes with, and the papers drawn from a plan, as far as the
reader may open them."""

from django.db.models import Q
from django.template.loader import render_to_string

from reports.models import CommitteeReport


def assessment_reports(request, assessment) -> str:
    reports = list(
        CommitteeReport.objects.visible_to(request.user)
        .filter(assessments=assessment)
        .select_related("committee", "council")
    )
    if not reports:
        return ""
    return render_to_string(
        "reports/partials/assessment_reports.html", {"reports": reports}, request=request
    )


def plan_papers(request, plan) -> str:
    """The committee reports with an appendix drawn from the plan, or from an assessment of
    it, newest meeting first, as far as the reader may open them."""
    reports = list(
        CommitteeReport.objects.visible_to(request.user)
        .filter(Q(appendices__plan=plan) | Q(appendices__assessment__plan=plan))
        .distinct()
        .select_related("committee", "council")
        .order_by("-meeting_date")
    )
    if not reports:
        return ""
    return render_to_string(
        "reports/partials/plan_papers.html", {"reports": reports}, request=request
    )
