"""A home page for each person, built from their roles in each council: a councillor's
ward, portfolio and committees; an officer's actions; a plan manager's plans and what
waits for them; democratic services' reports by meeting. Everything shown goes through the
same visible_to querysets and the one read model of an action's state as the rest of the
site."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from actionplans.models import Action, Plan, ProgressUpdate
from actionplans.state import states
from councils.models import Council, Membership
from home.models import Follow
from reports.models import CommitteeReport, Publication, ReportBuild
from scrutiny.models import Recommendation, Source

Role = Membership.Role
LIMIT = 50


@dataclass
class CouncilHome:
    council: Council
    roles: list[str]
    wards: list = field(default_factory=list)
    ward_actions: list = field(default_factory=list)  # ActionState, overdue first
    portfolio: object | None = None
    portfolio_plans: list = field(default_factory=list)
    committees: list = field(default_factory=list)
    committee_reports: list = field(default_factory=list)
    committee_recommendations: list = field(default_factory=list)
    led_count: int | None = None
    managed_plans: list = field(default_factory=list)
    waiting_approval: int | None = None
    reports: list = field(default_factory=list)


@login_required
def my_home(request):
    user = request.user
    today = timezone.localdate()
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("council", "portfolio")
        .prefetch_related("wards", "committees")
        .order_by("council__name", "role")
    )
    homes: dict[int, CouncilHome] = {}
    for membership in memberships:
        home = homes.setdefault(membership.council_id, CouncilHome(membership.council, roles=[]))
        home.roles.append(membership.get_role_display())
        home.wards += [w for w in membership.wards.all() if w not in home.wards]
        home.committees += [c for c in membership.committees.all() if c not in home.committees]
        home.portfolio = home.portfolio or membership.portfolio
        if membership.role == Role.OFFICER:
            home.led_count = (
                Action.objects.led_by(user)
                .visible_to(user)
                .filter(plan__council=membership.council)
                .count()
            )
        if membership.role in (Role.PLAN_MANAGER, Role.COUNCIL_ADMIN):
            _plan_manager(home, user)
        if membership.role in (Role.DEMOCRATIC_SERVICES, Role.COUNCIL_ADMIN):
            _democratic_services(home, user)
    for home in homes.values():
        _councillor(home, user, today)
    # The plans they follow, as far as they may still see them.
    followed = (
        Plan.objects.visible_to(user)
        .filter(follows__user=user)
        .select_related("council")
        .order_by("council__name", "title")
    )
    context = {"homes": list(homes.values()), "today": today, "followed": list(followed)}
    return render(request, "home/home.html", context)


@login_required
@require_POST
def follow_plan(request, council_slug: str, plan_slug: str):
    """Follow a plan (follow=1), or stop following it (follow empty), then back to it. A
    plan the person may not see is 404, as everywhere."""
    plan = get_object_or_404(
        Plan.objects.visible_to(request.user).select_related("council"),
        council__slug=council_slug,
        slug=plan_slug,
    )
    if not request.user.has_perm("home.follow_plan", plan):
        raise PermissionDenied
    if request.POST.get("follow"):
        Follow.objects.get_or_create(user=request.user, plan=plan)
        messages.success(request, f"You follow ‘{plan.title}’: it is on your home page.")
    else:
        Follow.objects.filter(user=request.user, plan=plan).delete()
        messages.success(request, f"You no longer follow ‘{plan.title}’.")
    return redirect(plan.get_absolute_url())


def _councillor(home: CouncilHome, user, today) -> None:
    council = home.council
    if home.wards:
        actions = (
            Action.objects.visible_to(user)
            .filter(plan__council=council, wards__in=home.wards)
            .distinct()
            .select_related("plan")
            .order_by("plan__title", "order")
        )
        read = states(actions, today)
        read.sort(key=lambda s: (not s.is_overdue, s.is_closed, s.deadline_date or today))
        home.ward_actions = read[:LIMIT]
        home.ward_action_count = len(read)
        home.ward_overdue = sum(1 for s in read if s.is_overdue)
    if home.portfolio is not None:
        home.portfolio_plans = list(
            Plan.objects.visible_to(user).filter(portfolio_holders=home.portfolio)
        )
    if home.committees:
        home.committee_reports = list(
            CommitteeReport.objects.visible_to(user)
            .filter(committee__in=home.committees)
            .select_related("committee", "council")
            .order_by("-meeting_date")[:10]
        )
        home.committee_recommendations = list(
            Recommendation.objects.filter(
                source__committee__in=home.committees,
                source__in=Source.objects.visible_to(user),
            )
            .select_related("source__council", "response")
            .order_by("-source__date", "sort_key")[:LIMIT]
        )


def _plan_manager(home: CouncilHome, user) -> None:
    if home.managed_plans:
        return
    home.managed_plans = list(
        Plan.objects.visible_to(user).filter(council=home.council).order_by("lifecycle", "title")
    )
    home.waiting_approval = (
        ProgressUpdate.objects.awaiting_approval()
        .filter(action__plan__council=home.council)
        .exclude(author=user)
        .count()
    )


def _democratic_services(home: CouncilHome, user) -> None:
    if home.reports:
        return
    home.reports = list(
        CommitteeReport.objects.filter(council=home.council)
        .select_related("committee", "council")
        .prefetch_related(
            Prefetch("publications", queryset=Publication.objects.order_by("-version")),
            Prefetch("builds", queryset=ReportBuild.objects.order_by("-created_at", "-id")),
        )
        .order_by("-meeting_date")[:20]
    )
