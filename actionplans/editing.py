"""Plan managers' changes to a plan's structure: its details, lifecycle, workstreams and
actions. The views in actionplans.edit_views call these; nothing else writes them.

Every change is recorded by django-simple-history with the person who made it (its request
middleware names them). An action's history entry keeps its lead departments in order,
partners and wards as they were, so the links are written first, through their own tables,
and the action saved once after: one history entry per edit, saying everything that
changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max
from django.utils.text import slugify

from actionplans.models import Action, ActionLead, Plan, Workstream
from councils.models import Department, Partner, Ward


class EditRefused(Exception):
    """A change that cannot be made, with the reason in words for the person."""


# Lifecycle ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """A lifecycle move a plan manager can make, with what the confirmation page says."""

    name: str
    to: str
    title: str
    button: str
    explains: str


MOVES = {
    "approve": Move(
        "approve",
        Plan.Lifecycle.APPROVED,
        "Publish the plan as approved",
        "Publish the plan",
        "The plan and its actions become readable by everyone its visibility allows, its "
        "dashboard counts them, and officers are asked for quarterly updates.",
    ),
    "archive": Move(
        "archive",
        Plan.Lifecycle.ARCHIVED,
        "Archive the plan",
        "Archive the plan",
        "The plan stays readable, as it stood, but officers are no longer asked for updates "
        "and it moves to the council's archived plans.",
    ),
    "revise": Move(
        "revise",
        Plan.Lifecycle.DRAFT,
        "Open the plan for revision",
        "Open for revision",
        "The plan goes back to draft: only plan managers and democratic services can read it "
        "until it is published again. Its actions and their progress are kept.",
    ),
}

# Which moves each lifecycle allows.
ALLOWED = {
    Plan.Lifecycle.DRAFT: ["approve"],
    Plan.Lifecycle.APPROVED: ["archive", "revise"],
    Plan.Lifecycle.ARCHIVED: ["revise"],
}


def moves_for(plan: Plan) -> list[Move]:
    return [MOVES[name] for name in ALLOWED[plan.lifecycle]]


def move_plan(plan: Plan, move: str) -> None:
    if move not in ALLOWED[plan.lifecycle]:
        raise EditRefused(f"A plan that is {plan.get_lifecycle_display().lower()} cannot do that.")
    if move == "approve" and not plan.actions.exists():
        raise EditRefused("Add at least one action before publishing the plan.")
    plan.lifecycle = MOVES[move].to
    plan.save(update_fields=["lifecycle", "updated_at"])


# Plans -------------------------------------------------------------------------------------


def unique_slug(council, title: str, *, exclude: int | None = None) -> str:
    base = slugify(title)[:90].strip("-") or "plan"
    taken = set(
        council.plans.exclude(pk=exclude)
        .filter(slug__startswith=base)
        .values_list("slug", flat=True)
    )
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def save_plan(form, budget_lines=None) -> Plan:
    """Save the details form (and its budget lines): a new plan starts as a draft."""
    plan = form.save(commit=False)
    if plan.pk is None:
        plan.slug = unique_slug(plan.council, plan.title)
        plan.lifecycle = Plan.Lifecycle.DRAFT
    plan.save()
    form.save_m2m()
    if budget_lines is not None:
        budget_lines.instance = plan
        budget_lines.save()
    return plan


# Workstreams -------------------------------------------------------------------------------


def outline(plan: Plan) -> list[Workstream]:
    """The plan's workstreams in printed order, each with `depth` (0 or 1) and `count`."""
    workstreams = list(plan.workstreams.annotate(count=Count("actions")).order_by("order", "id"))
    children: dict[int | None, list[Workstream]] = {}
    for workstream in workstreams:
        children.setdefault(workstream.parent_id, []).append(workstream)
    ordered = []
    for top in children.get(None, []):
        top.depth = 0
        ordered.append(top)
        for child in children.get(top.pk, []):
            child.depth = 1
            ordered.append(child)
    return ordered


@transaction.atomic
def save_workstream(form) -> Workstream:
    workstream = form.save(commit=False)
    if workstream.pk is None:
        last = workstream.plan.workstreams.aggregate(last=Max("order"))["last"]
        workstream.order = (last or 0) + 1
    workstream.save()
    renumber(workstream.plan)
    return workstream


def renumber(plan: Plan) -> None:
    """Orders 1, 2, 3 ... in outline order (a parent's children straight after it)."""
    for number, workstream in enumerate(outline(plan), start=1):
        if workstream.order != number:
            workstream.order = number
            workstream.save(update_fields=["order"])


@transaction.atomic
def move_workstream(workstream: Workstream, direction: str) -> None:
    """Swap a workstream with its neighbour among its siblings ("up" or "down"); its
    sub-workstreams go with it."""
    renumber(workstream.plan)  # distinct orders to swap
    siblings = [w for w in outline(workstream.plan) if w.parent_id == workstream.parent_id]
    index = next(i for i, w in enumerate(siblings) if w.pk == workstream.pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(siblings):
        return
    this, that = siblings[index], siblings[other]
    this.order, that.order = that.order, this.order
    for item in (this, that):
        item.save(update_fields=["order"])
    renumber(workstream.plan)


@transaction.atomic
def delete_workstream(workstream: Workstream) -> int:
    """Delete a workstream with no sub-workstreams; its actions stay, with no workstream.
    Returns how many actions it had."""
    if workstream.children.exists():
        raise EditRefused("This workstream has workstreams inside it. Move or delete those first.")
    actions = list(workstream.actions.all())
    for action in actions:
        action.workstream = None
        action.save(update_fields=["workstream"])
    plan = workstream.plan
    workstream.delete()
    renumber(plan)
    return len(actions)


# Actions -----------------------------------------------------------------------------------


@transaction.atomic
def save_action(
    form,
    *,
    leads: list[Department],
    partners: list[Partner],
    wards: list[Ward],
    measures=None,
) -> Action:
    """Save an action with its links: lead departments in the order given, partners, wards
    and (optionally) its measures formset. One history entry for the action."""
    action = form.save(commit=False)
    if action.pk is None:
        last = action.plan.actions.aggregate(last=Max("order"))["last"]
        action.order = (last or 0) + 1
        action.save()  # the links need its id; the save below records them
    action.set_deadline(form.cleaned_data.get("deadline_text") or "")
    _set_leads(action, leads)
    _set_links(Action.partners.through, action, "partner_id", [p.pk for p in partners])
    _set_links(Action.wards.through, action, "ward_id", [w.pk for w in wards])
    action.save()
    if measures is not None:
        measures.instance = action
        measures.save()
    return action


def _set_leads(action: Action, leads: list[Department]) -> None:
    wanted = [department.pk for department in leads]
    current = list(ActionLead.objects.filter(action=action).order_by("order", "id"))
    if [link.department_id for link in current] == wanted:
        return
    ActionLead.objects.filter(action=action).delete()
    ActionLead.objects.bulk_create(
        ActionLead(action=action, department_id=pk, order=i) for i, pk in enumerate(wanted)
    )


def _set_links(through, action: Action, column: str, wanted: list[int]) -> None:
    # Written through the link table itself: a relation's .set() would add a history entry
    # of its own for each change, before the action's.
    current = set(through.objects.filter(action=action).values_list(column, flat=True))
    if current == set(wanted):
        return
    through.objects.filter(action=action).exclude(**{f"{column}__in": wanted}).delete()
    through.objects.bulk_create(
        through(action_id=action.pk, **{column: pk}) for pk in wanted if pk not in current
    )


@transaction.atomic
def delete_action(action: Action) -> None:
    if action.updates.exists():
        raise EditRefused(
            "This action has progress updates, which are the council's record of what was "
            "reported. Archive the plan instead, or ask an administrator."
        )
    action.delete()
