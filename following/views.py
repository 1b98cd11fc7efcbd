"""Email updates about a public plan or a ward: the form that asks for them, the link that
confirms them and the link that stops them. Each page is a page of its own (the plan's page
is cached for signed-out visitors and carries no form), and none says whether an address
already follows anything."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from actionplans.models import Plan
from councils.models import Ward
from councils.views import over_limit
from following import services
from following.emails import target_name
from following.forms import FollowForm
from following.models import CONFIRM_WITHIN

# Requests for email updates one client address may make in an hour.
REQUESTS_PER_CLIENT = 20


def plan_email(request, council_slug: str, plan_slug: str):
    """404 for a plan the person may not see; a plan they may see that is not public (a
    members-only one) cannot be followed by email, and the page says so."""
    plan = get_object_or_404(
        Plan.objects.visible_to(request.user).select_related("council"),
        council__slug=council_slug,
        slug=plan_slug,
    )
    context = {"council": plan.council, "plan": plan, "about": f"‘{plan.title}’"}
    if not plan.is_public:
        return render(request, "following/follow_not_public.html", context)
    return _follow(request, context, plan=plan)


def ward_email(request, council_slug: str, pk: int):
    ward = get_object_or_404(
        Ward.objects.select_related("council"), council__slug=council_slug, pk=pk
    )
    context = {"council": ward.council, "ward": ward, "about": f"actions in {ward.name} ward"}
    return _follow(request, context, ward=ward)


def _follow(request, context: dict, **target):
    initial = {"email": request.user.email} if request.user.is_authenticated else {}
    form = FollowForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        client = get_client_ip_address(request) or "unknown"
        if over_limit("follow-client", client, REQUESTS_PER_CLIENT):
            form.add_error(
                "email", "Too many requests have been made from here. Wait an hour and try again."
            )
            response = render(request, "following/follow_form.html", {**context, "form": form})
            response.status_code = 429
            return response
        outcome = services.request_follow(form.cleaned_data["email"], user=request.user, **target)
        if outcome is services.Outcome.CONFIRMED:
            messages.success(
                request,
                f"You will get an email about {context['about']} at most once a week, when "
                "something is published.",
            )
            return redirect(_target_path(target))
        context |= {"days": CONFIRM_WITHIN.days}
        return render(request, "following/follow_sent.html", context)
    return render(request, "following/follow_form.html", {**context, "form": form})


def _target_path(target: dict) -> str:
    """The page of what is followed: the plan's, the ward's, or the council's if the plan
    is no longer public."""
    if plan := target.get("plan"):
        return plan.get_absolute_url() if plan.is_public else plan.council.get_absolute_url()
    ward = target["ward"]
    return reverse("actionplans:ward-detail", args=[ward.council.slug, ward.pk])


def confirm(request, token: str):
    """GET shows a button, POST confirms: a mail scanner that opens every link does not
    subscribe anyone."""
    follow = services.pending(token)
    if follow is None:
        return _invalid_link(request)
    if request.method == "POST":
        services.confirm(follow)
        messages.success(
            request,
            f"Email updates confirmed: {follow.email} will get an email about "
            f"{target_name(follow)} at most once a week, when something is published.",
        )
        return redirect(_target_path({"plan": follow.plan, "ward": follow.ward}))
    return render(request, "following/confirm.html", _link_context(follow))


# One-click unsubscribe (RFC 8058): mail providers POST to the link with no CSRF token.
@csrf_exempt
def unsubscribe(request, token: str):
    """GET asks to confirm, POST deletes the subscription and the address with it. A POST
    for a link already used says the same as the first: the address is not on our list."""
    if request.method == "POST":
        services.unsubscribe(token)
        return render(request, "following/unsubscribed.html")
    follow = services.pending(token)
    if follow is None:
        return _invalid_link(request)
    return render(request, "following/unsubscribe.html", _link_context(follow))


def _link_context(follow) -> dict:
    """A plan no longer public is not named: its title may have changed since."""
    target = follow.plan or follow.ward
    council = target.council
    public = follow.ward_id or Plan.objects.public().filter(pk=follow.plan_id).exists()
    about = target_name(follow) if public else "a plan that is no longer published"
    return {"follow": follow, "about": about, "council": council}


def _invalid_link(request):
    return render(request, "following/link_invalid.html", status=404)
