"""The "Follow this plan" button on a plan's page, for people signed in."""

from django.template.loader import render_to_string

from home.models import Follow


def follow_button(request, plan) -> str:
    user = request.user
    if not user.has_perm("home.follow_plan", plan):
        return ""
    following = Follow.objects.filter(user=user, plan=plan).exists()
    return render_to_string(
        "home/follow_button.html", {"plan": plan, "following": following}, request=request
    )
