"""The plan editor: plan managers create and change plans in the app, not the admin.

Every view is for people with actionplans.manage_plan on the plan's council
(councils.rules.require: outsiders 404, other members 403). Changes are made by
actionplans.editing; each page that changes something answers a POST with a redirect and a
confirmation message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from actionplans import editing
from actionplans.dashboards import change_history, plan_change_history
from actionplans.edit_forms import (
    ActionForm,
    BudgetLineFormSet,
    MeasureFormSet,
    PlanForm,
    WorkstreamForm,
)
from actionplans.models import Action, ActionLead, Plan
from councils.models import Council
from councils.rules import council_for, require

MANAGE = "actionplans.manage_plan"


def _plan(request, council_slug: str, plan_slug: str) -> Plan:
    council = council_for(request, council_slug, MANAGE)
    plan = get_object_or_404(
        Plan.objects.select_related("council"), council=council, slug=plan_slug
    )
    require(request.user, plan, MANAGE)
    return plan


def _manage_url(plan: Plan) -> str:
    return reverse("actionplans:plan-manage", args=[plan.council.slug, plan.slug])


@login_required
def plan_create(request, council_slug: str):
    council = council_for(request, council_slug, MANAGE)
    return _plan_form(request, council, Plan(council=council))


@login_required
def plan_edit(request, council_slug: str, plan_slug: str):
    plan = _plan(request, council_slug, plan_slug)
    return _plan_form(request, plan.council, plan)


def _plan_form(request, council, plan: Plan):
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, instance=plan, council=council)
    budget = BudgetLineFormSet(data, instance=plan, prefix="budget")
    if data is not None and form.is_valid() and budget.is_valid():
        new = plan.pk is None
        plan = editing.save_plan(form, budget)
        messages.success(request, f"Created the draft plan ‘{plan.title}’." if new else "Saved.")
        return redirect(_manage_url(plan))
    context = {
        "council": council,
        "plan": plan if plan.pk else None,
        "form": form,
        "budget": budget,
        "formsets": [budget],
        "has_formset_errors": bool(budget.total_error_count()),
        "creating": plan.pk is None,
    }
    return render(request, "actionplans/edit/plan_form.html", context)


@login_required
def plan_manage(request, council_slug: str, plan_slug: str):
    """The editor's home for one plan: its details, lifecycle and outline."""
    plan = _plan(request, council_slug, plan_slug)
    actions = plan.actions.select_related("workstream").prefetch_related(
        Prefetch("lead_links", queryset=ActionLead.objects.select_related("department"))
    )
    by_workstream: dict[int | None, list[Action]] = {}
    for action in actions:
        by_workstream.setdefault(action.workstream_id, []).append(action)
    outline = editing.outline(plan)
    for workstream in outline:
        workstream.action_list = by_workstream.get(workstream.pk, [])
    context = {
        "council": plan.council,
        "plan": plan,
        "outline": outline,
        "loose": by_workstream.get(None, []),
        "moves": editing.moves_for(plan),
        "action_count": sum(len(v) for v in by_workstream.values()),
    }
    return render(request, "actionplans/edit/manage.html", context)


@login_required
def plan_lifecycle(request, council_slug: str, plan_slug: str, move: str):
    plan = _plan(request, council_slug, plan_slug)
    if move not in editing.MOVES:
        raise Http404
    chosen = editing.MOVES[move]
    problem = None
    if move not in editing.ALLOWED[plan.lifecycle]:
        problem = f"This plan is {plan.get_lifecycle_display().lower()}, so it cannot do that."
    elif request.method == "POST":
        try:
            editing.move_plan(plan, move)
        except editing.EditRefused as refused:
            problem = str(refused)
        else:
            messages.success(
                request,
                f"{chosen.title}: done. The plan is now {plan.get_lifecycle_display().lower()}.",
            )
            return redirect(_manage_url(plan))
    return _confirm(
        request,
        plan,
        title=chosen.title,
        question=f"{chosen.title}: ‘{plan.title}’?",
        explains=chosen.explains,
        button=chosen.button,
        problem=problem,
    )


def _confirm(request, plan: Plan, *, title, question, explains, button, problem, warning=False):
    """The confirmation page every lifecycle move and deletion asks on first."""
    context = {
        "council": plan.council,
        "plan": plan,
        "title": title,
        "question": question,
        "explains": explains,
        "button": button,
        "warning": warning,
        "problem": problem,
        "back": _manage_url(plan),
    }
    return render(request, "actionplans/edit/confirm.html", context)


# Workstreams -------------------------------------------------------------------------------


@login_required
def workstream_create(request, council_slug: str, plan_slug: str):
    plan = _plan(request, council_slug, plan_slug)
    return _workstream_form(request, plan, None)


@login_required
def workstream_edit(request, council_slug: str, plan_slug: str, pk: int):
    plan = _plan(request, council_slug, plan_slug)
    return _workstream_form(request, plan, get_object_or_404(plan.workstreams, pk=pk))


def _workstream_form(request, plan: Plan, workstream):
    data = request.POST if request.method == "POST" else None
    form = WorkstreamForm(data, instance=workstream, plan=plan)
    if data is not None and form.is_valid():
        saved = editing.save_workstream(form)
        word = plan.workstream_label or "Workstream"
        messages.success(request, f"{word} ‘{saved}’ {'saved' if workstream else 'added'}.")
        return redirect(_manage_url(plan) + f"#workstream-{saved.pk}")
    context = {"council": plan.council, "plan": plan, "form": form, "workstream": workstream}
    return render(request, "actionplans/edit/workstream_form.html", context)


@login_required
@require_POST
def workstream_move(request, council_slug: str, plan_slug: str, pk: int):
    plan = _plan(request, council_slug, plan_slug)
    workstream = get_object_or_404(plan.workstreams, pk=pk)
    editing.move_workstream(workstream, request.POST.get("direction", ""))
    messages.success(request, f"Moved ‘{workstream}’.")
    return redirect(_manage_url(plan) + f"#workstream-{workstream.pk}")


@login_required
def workstream_delete(request, council_slug: str, plan_slug: str, pk: int):
    plan = _plan(request, council_slug, plan_slug)
    workstream = get_object_or_404(plan.workstreams, pk=pk)
    problem = None
    if request.method == "POST":
        try:
            count = editing.delete_workstream(workstream)
        except editing.EditRefused as refused:
            problem = str(refused)
        else:
            kept = (
                f" Its {count} action{'s' if count != 1 else ''} stay in the plan." if count else ""
            )
            messages.success(request, f"Deleted ‘{workstream}’.{kept}")
            return redirect(_manage_url(plan))
    count = workstream.actions.count()
    word = plan.workstream_label.lower() or "workstream"
    return _confirm(
        request,
        plan,
        title=f"Delete {word}",
        question=f"Delete ‘{workstream}’?",
        explains=(
            f"Its {count} action{'s' if count != 1 else ''} stay in the plan, outside any {word}."
            if count
            else "It has no actions."
        ),
        button="Delete",
        warning=True,
        problem=problem,
    )


# Actions -----------------------------------------------------------------------------------


@login_required
def action_create(request, council_slug: str, plan_slug: str):
    plan = _plan(request, council_slug, plan_slug)
    action = Action(plan=plan)
    if request.GET.get("workstream", "").isdigit():
        action.workstream = plan.workstreams.filter(pk=request.GET["workstream"]).first()
    return _action_form(request, plan, action)


@login_required
def action_edit(request, council_slug: str, plan_slug: str, pk: int):
    plan = _plan(request, council_slug, plan_slug)
    return _action_form(request, plan, get_object_or_404(plan.actions, pk=pk))


def _action_form(request, plan: Plan, action: Action):
    data = request.POST if request.method == "POST" else None
    form = ActionForm(data, instance=action, plan=plan)
    measures = MeasureFormSet(data, instance=action, prefix="measures")
    if data is not None and form.is_valid() and measures.is_valid():
        new = action.pk is None
        saved = editing.save_action(
            form,
            leads=form.leads(),
            partners=form.chosen("partners"),
            wards=form.chosen("wards"),
            measures=measures,
        )
        messages.success(request, f"{'Added' if new else 'Saved'} ‘{saved}’.")
        return redirect(_manage_url(plan) + f"#action-{saved.pk}")
    context = {
        "council": plan.council,
        "plan": plan,
        "form": form,
        "measures": measures,
        "formsets": [measures],
        "has_formset_errors": bool(measures.total_error_count()),
        "action": action if action.pk else None,
    }
    return render(request, "actionplans/edit/action_form.html", context)


@login_required
def action_delete(request, council_slug: str, plan_slug: str, pk: int):
    plan = _plan(request, council_slug, plan_slug)
    action = get_object_or_404(plan.actions, pk=pk)
    problem = None
    if request.method == "POST":
        try:
            editing.delete_action(action)
        except editing.EditRefused as refused:
            problem = str(refused)
        else:
            messages.success(request, f"Deleted ‘{action}’.")
            return redirect(_manage_url(plan))
    return _confirm(
        request,
        plan,
        title="Delete action",
        question=f"Delete ‘{action}’?",
        explains="The action and its measures are removed from the plan. Its change history "
        "is kept.",
        button="Delete",
        warning=True,
        problem=problem,
    )


# History -----------------------------------------------------------------------------------


@login_required
def plan_history(request, council_slug: str, plan_slug: str):
    plan = _plan(request, council_slug, plan_slug)
    context = {
        "council": plan.council,
        "plan": plan,
        "subject": plan.title,
        "changes": plan_change_history(plan),
        "current_tab": "history",
        "back": _manage_url(plan),
    }
    return render(request, "actionplans/edit/history.html", context)


@login_required
def action_history(request, council_slug: str, plan_slug: str, pk: int):
    """An action's history, for those who see it on the action's page: its officers too."""
    council = get_object_or_404(Council, slug=council_slug)
    plan = get_object_or_404(
        Plan.objects.visible_to(request.user).select_related("council"),
        council=council,
        slug=plan_slug,
    )
    require(request.user, plan, "actionplans.view_change_history")
    action = get_object_or_404(plan.actions, pk=pk)
    action.plan = plan
    context = {
        "council": plan.council,
        "plan": plan,
        "subject": str(action),
        "changes": change_history(action),
        "back": action.get_absolute_url(),
    }
    return render(request, "actionplans/edit/history.html", context)
