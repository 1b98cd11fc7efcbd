"""Changing the register: linking recommendations to the actions that deliver them, making an
action from a recommendation, and what those actions' progress says about it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from actionplans.models import OVERDUE, Action, Plan, Workstream
from actionplans.state import Tally, states
from councils.models import StatusGroup
from scrutiny.models import Recommendation

# How a recommendation's delivery reads, group by group, in the headline's order.
PROGRESS_WORDS = [
    (StatusGroup.COMPLETE, "complete"),
    (StatusGroup.ON_TARGET, "on target"),
    (OVERDUE, "overdue"),
    (StatusGroup.BEHIND, "behind schedule"),
    (StatusGroup.NOT_STARTED, "not started"),
    (StatusGroup.CLOSED, "closed or on hold"),
    (StatusGroup.NO_STATUS, "no status reported"),
]


@dataclass(frozen=True)
class Progress:
    """A recommendation's delivery: its linked actions counted as a plan's headline counts
    them (actionplans.state), so "overdue" and "closed" mean here what they mean there."""

    tally: Tally

    @property
    def total(self) -> int:
        return self.tally.total

    @property
    def summary(self) -> str:
        if not self.total:
            return "No actions linked"
        if self.tally.count(StatusGroup.COMPLETE) == self.total:
            return "Delivered: every linked action is complete"
        noun = "action" if self.total == 1 else "actions"
        parts = [f"{self.tally.count(g)} {w}" for g, w in PROGRESS_WORDS if self.tally.count(g)]
        return f"{self.total} {noun}: " + ", ".join(parts)

    @property
    def tag(self) -> str:
        """A GOV.UK tag colour for the summary."""
        if not self.total:
            return "grey"
        if self.tally.count(StatusGroup.COMPLETE) == self.total:
            return "blue"
        if self.tally.overdue or self.tally.behind:
            return "red"
        return "green" if self.tally.done_or_on_target else "grey"


def progress_of(actions) -> Progress:
    """The delivery of linked `actions`, each with `.state` (attach_progress sets it)."""
    return Progress(Tally.of([action.state for action in actions]))


def attach_progress(recommendations, day: datetime.date | None = None) -> None:
    """Give every linked action its state on `day` (today) from the read model, in one
    pass for all the recommendations, and each recommendation `.progress`."""
    day = day or timezone.localdate()
    linked = {a.pk: a for rec in recommendations for a in rec.actions.all()}
    by_pk = {s.action.pk: s for s in states(Action.objects.filter(pk__in=linked), day)}
    for rec in recommendations:
        for action in rec.actions.all():
            action.state = by_pk[action.pk]
        rec.progress = progress_of(rec.actions.all())


@transaction.atomic
def link_delivering_actions(recommendation: Recommendation, plan: Plan, actions) -> None:
    """The actions of `plan` that deliver the recommendation become exactly `actions`;
    links to other plans' actions stay."""
    recommendation.actions.remove(*recommendation.actions.filter(plan=plan))
    recommendation.actions.add(*actions)


def action_title(text: str) -> str:
    """A short title from a recommendation's text: its first sentence or line, at most 300
    characters, cut at a word."""
    first = text.strip().split("\n", 1)[0]
    sentence = first.split(". ", 1)[0].rstrip(".")
    if len(sentence) <= 300:
        return sentence
    return sentence[:300].rsplit(" ", 1)[0] + "…"


@transaction.atomic
def create_action(
    recommendation: Recommendation, plan: Plan, workstream: Workstream | None, *, title: str
) -> Action:
    """A new action at the end of the plan (or workstream), delivering the recommendation."""
    last = plan.actions.aggregate(last=Max("order"))["last"] or 0
    source = recommendation.source
    action = Action.objects.create(
        plan=plan,
        workstream=workstream,
        title=title,
        description=recommendation.text,
        order=last + 1,
        outcomes=f"Delivers recommendation {recommendation.reference} of {source.title} "
        f"({source.body_name}, {source.date:%-d %B %Y}).",
    )
    recommendation.actions.add(action)
    return action


def counts(recommendations) -> list[tuple[str, int]]:
    """'Agreed 16, In part 3, Not agreed 6, Not stated 3', in vocabulary order."""
    tally: dict[str, int] = {}
    order: dict[str, int] = {}
    for rec in recommendations:
        label = rec.response.label if rec.response else "No response yet"
        tally[label] = tally.get(label, 0) + 1
        order[label] = rec.response.order if rec.response else 999
    return sorted(tally.items(), key=lambda item: order[item[0]])
