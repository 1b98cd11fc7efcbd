from django import template

from scrutiny.models import Recommendation, Source

register = template.Library()


@register.inclusion_tag("scrutiny/action_recommendations.html", takes_context=True)
def recommendations_answered(context, action):
    """The recommendations an action delivers, from registers this person may see."""
    user = context["request"].user
    recommendations = Recommendation.objects.filter(
        actions=action, source__in=Source.objects.visible_to(user)
    ).select_related("source__council", "response")
    return {"recommendations": list(recommendations), "council": action.plan.council}
