"""following's sections of other apps' pages: "Get updates about this plan" on a public
plan's page and "Get email updates" on a ward's. Links only, the same for every signed-out
visitor (the plan's page is cached for them): the forms are on pages of their own."""

from django.template.loader import render_to_string


def plan_follow_links(request, plan) -> str:
    if not plan.is_public:
        return ""  # a plan not public has no feeds, and cannot be followed by email
    return render_to_string("following/partials/plan_links.html", {"plan": plan})


def ward_follow_link(request, ward) -> str:
    return render_to_string("following/partials/ward_link.html", {"ward": ward})
