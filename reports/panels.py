"""reports' section of an impact assessment's page (registered with councils.panels): the
committee reports it goes with, as far as the reader may open them."""

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
