"""scrutiny's section of an action's page (registered with councils.panels)."""

from django.template.loader import render_to_string

from scrutiny.models import Recommendation, Source


def recommendations_answered(request, action) -> str:
    """The recommendations an action delivers, from registers this person may see."""
    recommendations = list(
        Recommendation.objects.filter(
            actions=action, source__in=Source.objects.visible_to(request.user)
        ).select_related("source__council", "response")
    )
    if not recommendations:
        return ""
    return render_to_string(
        "scrutiny/action_recommendations.html",
        {"recommendations": recommendations, "council": action.plan.council},
        request=request,
    )


def plan_recommendations(request, plan) -> str:
    """The recommendations the plan's actions deliver, from registers this person may see."""
    recommendations = list(
        Recommendation.objects.filter(
            actions__plan=plan, source__in=Source.objects.visible_to(request.user)
        )
        .distinct()
        .select_related("source__council", "response")
    )
    if not recommendations:
        return ""
    return render_to_string(
        "scrutiny/plan_recommendations.html",
        {"recommendations": recommendations, "council": plan.council},
        request=request,
    )
