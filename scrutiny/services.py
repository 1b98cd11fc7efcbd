"""Changing the register: linking recommendations to the actions that deliver them, making an
action from a recommendation, and what those actions' progress says about it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from actionplans.models import Action, Plan, Workstream
from councils.models import Rag
from scrutiny.models import Recommendation


@dataclass(frozen=True)
class Progress:
    """A recommendation's delivery, from its linked actions' current statuses."""

    total: int
    complete: int
    on_track: int
    behind: int
    not_started: int

    @property
    def summary(self) -> str:
        if not self.total:
            return "No actions linked"
        if self.complete == self.total:
            return "Delivered: every linked action is complete"
        parts = [
            (self.complete, "complete"),
            (self.on_track, "on track"),
            (self.behind, "behind schedule"),
            (self.not_started, "not started"),
        ]
        noun = "action" if self.total == 1 else "actions"
        return f"{self.total} {noun}: " + ", ".join(f"{n} {w}" for n, w in parts if n)

    @property
    def tag(self) -> str:
        """A GOV.UK tag colour for the summary."""
        if not self.total:
            return "grey"
        if self.complete == self.total:
            return "blue"
        if self.behind:
            return "red"
        return "green" if self.on_track or self.complete else "grey"


def progress_of(actions) -> Progress:
    """`actions` with their status selected."""
    complete = on_track = behind = not_started = 0
    for action in actions:
        status = action.status
        if status is None or not status.is_started:
            not_started += 1
        elif status.is_complete or status.is_closed:
            complete += 1
        elif status.rag in (Rag.RED, Rag.AMBER):
            behind += 1
        else:
            on_track += 1
    return Progress(
        complete + on_track + behind + not_started, complete, on_track, behind, not_started
    )


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
