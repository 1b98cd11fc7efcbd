"""An action's state as at a day, as one row: what every page, export and paper shows of it.

The facts come from one place, ActionQuerySet.with_state(day), which works them out in the
database from the approved update history; this module turns its annotations into a row,
adds what needs the council's calendar ("update overdue"), and counts rows the way Cabinet
reports count them. Nothing else decides an action's status, group, overdue or staleness."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, F, Max, QuerySet

from actionplans.deadlines import MONTH_NAMES, Precision
from actionplans.financial_calendar import Quarter
from actionplans.models import OVERDUE, Action, ActionLead, Plan, ProgressUpdate, Workstream
from councils.models import Status, StatusGroup

# The headline's groups, in the order a Cabinet report reads them. Every action is in
# exactly one, so the numbers add up to the total.
HEADLINE_GROUPS: list[tuple[str, str]] = [
    (StatusGroup.COMPLETE, "are complete"),
    (StatusGroup.ON_TARGET, "are on target"),
    (OVERDUE, "are overdue"),
    (StatusGroup.BEHIND, "are behind schedule"),
    (StatusGroup.NOT_STARTED, "have not started"),
    (StatusGroup.CLOSED, "are closed or on hold"),
    (StatusGroup.NO_STATUS, "have no status reported"),
]
# Complete and on target are one figure in the headline: "are complete or on target".
DONE_OR_ON_TARGET = (StatusGroup.COMPLETE, StatusGroup.ON_TARGET)


@dataclass
class ActionState:
    """An action as it stood on a day."""

    action: Action | ListedAction
    as_at: datetime.date
    status: Status | None
    group: str  # a StatusGroup
    percent: int | None
    commentary: str
    reported_on: datetime.date | None
    reported_by: str
    deadline_text: str
    deadline_date: datetime.date | None
    deadline_precision: str
    deadline_revised: bool
    is_overdue: bool
    update_expected_for: Quarter | None  # the quarter an update is owed for, if owed
    previous_status: Status | None = None

    @property
    def rag(self) -> str | None:
        return self.status.rag if self.status else None

    @property
    def headline_group(self) -> str:
        """Where a headline counts it: overdue first, whatever its status says."""
        return OVERDUE if self.is_overdue else self.group

    @property
    def is_closed(self) -> bool:
        return self.group in (StatusGroup.COMPLETE, StatusGroup.CLOSED)

    @property
    def is_update_overdue(self) -> bool:
        return self.update_expected_for is not None

    @property
    def overdue_days(self) -> int:
        return (self.as_at - self.deadline_date).days if self.is_overdue else 0

    @property
    def deadline_is_dated(self) -> bool:
        return self.deadline_date is not None and self.deadline_precision not in (
            Precision.ONGOING,
            Precision.NONE,
        )

    @property
    def deadline_says_its_date(self) -> bool:
        """Whether the deadline's words already give the day it counts as: a date, or a
        month and year written out in full ("March 2016" counts as its last day). Pages and
        papers say "Counts as 31 Mar 2017" under any other dated deadline ("Q4 2016/17",
        "Mar-17", "2016/17"), so that a reader sees how it was read."""
        if self.deadline_precision == Precision.DAY:
            return True
        if self.deadline_precision != Precision.MONTH or self.deadline_date is None:
            return False
        month, year = self.deadline_date.month, self.deadline_date.year
        written = " ".join(self.deadline_text.split()).casefold()
        return written == f"{MONTH_NAMES[month - 1]} {year}".casefold()

    @property
    def has_changed(self) -> bool:
        return self.previous_status != self.status


def update_owed(
    action: Action | ListedAction, day: datetime.date, group: str, expected: Quarter | None = ...
) -> Quarter | None:
    """The quarter whose update the action still owed on `day`: its plan expected one (the
    latest quarter whose update window had closed) and none, approved or waiting, was
    there for it or a later quarter. Complete and closed actions owe nothing. `expected`
    (the plan's quarter_update_expected(day)) saves working it out again for each action
    when the caller knows it."""
    if group in (StatusGroup.COMPLETE, StatusGroup.CLOSED):
        return None
    if action.plan.lifecycle == Plan.Lifecycle.DRAFT:
        return None
    quarter = action.plan.quarter_update_expected(day) if expected is ... else expected
    if quarter is None:
        return None
    last = action.state_last_period_end
    if last is not None and last >= quarter.end:
        return None
    return quarter


def row(
    action: Action,
    day: datetime.date,
    statuses: dict[int, Status],
    expected: Quarter | None = ...,
) -> ActionState:
    """The row for an action annotated by with_state(day). `expected`: as for update_owed."""
    if action.state_later_revision:
        text = action.state_revision or action.baseline_deadline_text
    else:
        text = action.deadline_text
    return ActionState(
        action=action,
        as_at=day,
        status=statuses.get(action.state_status_id),
        group=action.state_group,
        percent=action.state_percent,
        commentary=action.state_commentary or "",
        reported_on=action.state_reported_on,
        reported_by=action.state_reported_by or "",
        deadline_text=text,
        deadline_date=action.state_deadline_date,
        deadline_precision=action.state_deadline_precision or Precision.NONE,
        deadline_revised=bool(action.state_deadline_revised),
        is_overdue=bool(action.state_is_overdue),
        update_expected_for=update_owed(action, day, action.state_group, expected),
    )


def _plans_by_id(ids) -> dict[int, Plan]:
    """The plans with these ids, each with its council, read once for every action in them."""
    return {plan.pk: plan for plan in Plan.objects.filter(pk__in=ids).select_related("council")}


def states(
    actions: QuerySet[Action],
    day: datetime.date,
    *,
    previous: datetime.date | None = None,
    statuses: dict[int, Status] | None = None,
    leads: bool = True,
) -> list[ActionState]:
    """The state of each action on `day` (and, if asked, its status on `previous`), in the
    queryset's order. Each action also gets `.state`, for templates, its plan (with its
    council), workstream (with its parent) and, unless `leads` is False, its leads in order
    (ordered_leads()). Five queries, one fewer without leads, one more with `previous`,
    however many actions.

    The plans, workstreams and leads are read on their own queries and shared between the
    actions, not joined to each row: an officer's 991 actions in ten plans made 991 copies
    of each plan and council, and Django's prefetch built a query object for every action,
    which together cost more than the database's work."""
    rows = list(actions.with_state(day))
    plan_field = Action._meta.get_field("plan")
    # plan.actions.all() hands every action its plan already.
    plans = {plan_field.get_cached_value(a).pk: a.plan for a in rows if plan_field.is_cached(a)}
    if wanted := {a.plan_id for a in rows} - set(plans):
        plans |= _plans_by_id(wanted)
    workstream_field = Action._meta.get_field("workstream")
    # A caller that joined the workstreams (select_related) has them already.
    unread = [a for a in rows if not workstream_field.is_cached(a)]
    workstream_ids = {a.workstream_id for a in unread if a.workstream_id is not None}
    workstreams = {
        w.pk: w for w in Workstream.objects.filter(pk__in=workstream_ids).select_related("parent")
    }
    for action in unread:
        workstream_field.set_cached_value(action, workstreams.get(action.workstream_id))
    by_action: dict[int, list] = {a.pk: [] for a in rows}
    if leads:
        links = ActionLead.objects.filter(action_id__in=list(by_action))
        for link in links.select_related("department"):
            by_action[link.action_id].append(link.department)
    for action in rows:
        plan_field.set_cached_value(action, plans[action.plan_id])
        if leads:
            action.leads_in_order = by_action[action.pk]
    if statuses is None:
        councils = {action.plan.council_id for action in rows}
        statuses = {s.pk: s for s in Status.objects.filter(council__in=councils)}
    previous_ids: dict[int, int | None] = {}
    if previous is not None:
        previous_ids = dict(actions.with_state(previous).values_list("pk", "state_status_id"))
    result = []
    for action in rows:
        state = row(action, day, statuses)
        state.previous_status = statuses.get(previous_ids.get(action.pk))
        action.state = state
        result.append(state)
    return result


def sortable_states(actions: QuerySet[Action], day: datetime.date) -> list[ActionState]:
    """Each action's state on `day` as far as ordering and counting a long list needs it,
    in the queryset's order: its group, whether it is overdue and its deadline date, and
    what update it owes (update_expected_for). No status, percentage, commentary or
    deadline words: a page that shows some of the rows reads those rows again with
    states(). The database works out only these columns of with_state, about a third of
    the work, and no action's own text is read. Two queries, however many actions."""
    rows = list(
        actions.with_state(day).values_list(
            "pk",
            "plan_id",
            "order",
            "state_group",
            "state_is_overdue",
            "state_deadline_date",
            "state_last_period_end",
        )
    )
    plans = _plans_by_id({r[1] for r in rows})
    expected = {pk: plan.quarter_update_expected(day) for pk, plan in plans.items()}
    result = []
    for pk, plan_id, order, group, is_overdue, deadline_date, last_period_end in rows:
        action = ListedAction(pk, plan_id, order, plans[plan_id], last_period_end)
        result.append(
            ActionState(
                action=action,
                as_at=day,
                status=None,
                group=group,
                percent=None,
                commentary="",
                reported_on=None,
                reported_by="",
                deadline_text="",
                deadline_date=deadline_date,
                deadline_precision="",
                deadline_revised=False,
                is_overdue=bool(is_overdue),
                update_expected_for=update_owed(action, day, group, expected[plan_id]),
            )
        )
    return result


@dataclass(slots=True)
class ListedAction:
    """An action in sortable_states(): no more of it than ordering and counting a long list
    reads. A Django model instance for each of an officer's thousand actions (its
    __init__, its signals) cost a third as much again as the query."""

    pk: int
    plan_id: int
    order: int
    plan: Plan
    state_last_period_end: datetime.date | None


def plan_states(
    plan: Plan, day: datetime.date, *, statuses: dict[int, Status] | None = None
) -> list[ActionState]:
    """The state of each of a plan's actions on `day`, as states() gives it, in plan order,
    for callers that need only the state and the action's own fields (the exports). The
    actions are read on their own: no workstream, leads or copy of the plan and its council
    with each one (each action's .plan is `plan` itself, as plan.actions gives it), which
    made reading a 10,000-action plan four times slower, and the quarter the plan expects an
    update for is worked out once. Two queries, or one with `statuses`, however many
    actions."""
    if statuses is None:
        statuses = {s.pk: s for s in plan.council.statuses.all()}
    expected = plan.quarter_update_expected(day)
    result = []
    for action in plan.actions.with_state(day):
        state = row(action, day, statuses, expected)
        action.state = state
        result.append(state)
    return result


def percent_of(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


@dataclass(frozen=True)
class Tally:
    """How many actions are in each headline group, and the sentence Cabinet reads."""

    total: int
    counts: dict[str, int]

    @classmethod
    def of(cls, rows: list[ActionState]) -> Tally:
        return cls(len(rows), dict(Counter(r.headline_group for r in rows)))

    @classmethod
    def from_counts(cls, counts: dict[str, int]) -> Tally:
        """From counts by headline group (as the database counts them, for many plans)."""
        return cls(sum(counts.values()), {k: v for k, v in counts.items() if v})

    def count(self, *groups: str) -> int:
        return sum(self.counts.get(group, 0) for group in groups)

    @property
    def done_or_on_target(self) -> int:
        return self.count(*DONE_OR_ON_TARGET)

    @property
    def overdue(self) -> int:
        return self.count(OVERDUE)

    @property
    def behind(self) -> int:
        return self.count(StatusGroup.BEHIND)

    @property
    def not_started(self) -> int:
        return self.count(StatusGroup.NOT_STARTED)

    @property
    def closed(self) -> int:
        return self.count(StatusGroup.CLOSED)

    @property
    def no_status(self) -> int:
        return self.count(StatusGroup.NO_STATUS)

    def parts(self) -> list[tuple[str, int, int]]:
        """(words, count, percent) for each group with actions, in reading order, complete
        and on target together."""
        parts = []
        if self.done_or_on_target:
            n = self.done_or_on_target
            parts.append(("are complete or on target", n, percent_of(n, self.total)))
        for group, words in HEADLINE_GROUPS:
            if group in DONE_OR_ON_TARGET or not self.counts.get(group):
                continue
            n = self.counts[group]
            parts.append((words, n, percent_of(n, self.total)))
        return parts

    def sentence(self) -> str:
        """ "5 (29%) of 17 actions are complete or on target; 10 (59%) are overdue; 2 (12%)
        have not started." Its numbers add up to the total."""
        if not self.total:
            return "This plan has no actions yet."
        noun = "action" if self.total == 1 else "actions"
        (words, n, pc), *rest = self.parts()
        pieces = [f"{n} ({pc}%) of {self.total} {noun} {words}"]
        pieces += [f"{n} ({pc}%) {words}" for words, n, pc in rest]
        return "; ".join(pieces) + "."

    def summary(self) -> str:
        """The same, without the total: for one workstream in a chart's description."""
        return "; ".join(f"{n} ({pc}%) {words}" for words, n, pc in self.parts())


def with_tallies(plans: list[Plan], today: datetime.date) -> list[Plan]:
    """Give each plan `.tally`, its actions counted by headline group, and `.as_at`, the day
    they are counted on: the day its own page opens at (today, or a finished plan's end),
    so the council page and the views across plans say what each plan's page says. Counted
    by the database, one query per distinct day (usually one or two)."""
    latest = dict(
        ProgressUpdate.objects.filter(
            action__plan__in=[p.pk for p in plans if p.period_end and p.period_end < today],
            state=ProgressUpdate.State.APPROVED,
        )
        .values_list("action__plan")
        .annotate(latest=Max("reported_on"))
        .order_by()
    )
    by_day: dict[datetime.date, list[int]] = {}
    for plan in plans:
        plan.as_at = plan.opens_as_at(today, latest.get(plan.pk))
        by_day.setdefault(plan.as_at, []).append(plan.pk)
    counts: dict[int, dict[str, int]] = {plan.pk: {} for plan in plans}
    for day, plan_ids in by_day.items():
        rows = (
            Action.objects.filter(plan__in=plan_ids)
            .with_state(day)
            .annotate(headline=F("state_headline"))
            .values_list("plan_id", "headline")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for plan_id, group, n in rows:
            counts[plan_id][group] = n
    for plan in plans:
        plan.tally = Tally.from_counts(counts[plan.pk])
    return plans


@dataclass(frozen=True)
class Completion:
    """Average % complete over the actions that reported one (complete counts as 100)."""

    average: int | None
    reported: int
    total: int

    @classmethod
    def of(cls, rows: list[ActionState]) -> Completion:
        values = [
            100 if r.group == StatusGroup.COMPLETE else r.percent
            for r in rows
            if r.group == StatusGroup.COMPLETE or r.percent is not None
        ]
        average = round(sum(values) / len(values)) if values else None
        return cls(average, len(values), len(rows))

    @property
    def is_representative(self) -> bool:
        """At least half the actions reported a %: only then is it a headline figure."""
        return self.total > 0 and 2 * self.reported >= self.total

    def sentence(self) -> str:
        if self.average is None:
            return "No action has reported a % complete."
        noun = "action that reported one" if self.reported == 1 else "actions that reported one"
        return f"Average {self.average}% across the {self.reported} {noun}"
