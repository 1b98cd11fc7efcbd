"""impact's section of a plan's page (registered with councils.panels): the impact
assessments of the plan, as far as the reader may open them."""

from django.template.loader import render_to_string

from impact.models import Assessment


def plan_assessments(request, plan) -> str:
    assessments = list(
        Assessment.objects.visible_to(request.user).filter(plan=plan).order_by("-pk")
    )
    if not assessments:
        return ""
    return render_to_string(
        "impact/partials/plan_assessments.html", {"assessments": assessments}, request=request
    )
