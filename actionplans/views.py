from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render

from actionplans.models import (
    Action,
    ActionLead,
    Measure,
    Plan,
    ProgressUpdate,
    plan_outline,
)
from councils.models import Council


def home(request):
    visible = Plan.objects.visible_to(request.user)
    councils = Council.objects.annotate(
        plan_count=Count("plans", filter=Q(plans__in=visible), distinct=True)
    )
    return render(request, "actionplans/home.html", {"councils": councils})


def council_detail(request, council_slug: str):
    council = get_object_or_404(Council, slug=council_slug)
    plans = (
        Plan.objects.visible_to(request.user)
        .for_council(council)
        .select_related("approved_by")
        .annotate(action_count=Count("actions"))
    )
    return render(request, "actionplans/council_detail.html", {"council": council, "plans": plans})


def _visible_plan(request, council_slug: str, plan_slug: str) -> Plan:
    # Plans a user may not see are 404, not 403: their existence is not disclosed.
    return get_object_or_404(
        Plan.objects.visible_to(request.user).select_related(
            "council", "approved_by", "lead_department"
        ),
        council__slug=council_slug,
        slug=plan_slug,
    )


def plan_detail(request, council_slug: str, plan_slug: str):
    plan = _visible_plan(request, council_slug, plan_slug)
    actions = list(
        plan.actions.select_related("status").prefetch_related(
            Prefetch("lead_links", queryset=ActionLead.objects.select_related("department"))
        )
    )
    context = {
        "council": plan.council,
        "plan": plan,
        "outline": plan_outline(plan, actions),
        "action_count": len(actions),
        "has_references": any(action.reference for action in actions),
        "budget_lines": plan.budget_lines.all(),
        "corporate_priorities": plan.corporate_priorities.all(),
        "portfolio_holders": plan.portfolio_holders.all(),
    }
    return render(request, "actionplans/plan_detail.html", context)


def action_detail(request, council_slug: str, plan_slug: str, pk: int):
    plan = _visible_plan(request, council_slug, plan_slug)
    action = get_object_or_404(
        Action.objects.select_related("status", "workstream__parent").prefetch_related(
            Prefetch("lead_links", queryset=ActionLead.objects.select_related("department")),
            "partners",
            "wards",
            Prefetch("measures", queryset=Measure.objects.prefetch_related("readings")),
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.select_related("status", "period"),
            ),
        ),
        plan=plan,
        pk=pk,
    )
    context = {"council": plan.council, "plan": plan, "action": action}
    return render(request, "actionplans/action_detail.html", context)
