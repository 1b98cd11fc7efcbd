"""Read-only summaries of plans for dashboards (and later report appendices): each action's
status as at a date, counted and worded the way Cabinet reports count and word it."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from actionplans.financial_calendar import Quarter
from actionplans.models import OVERDUE, Action, BudgetLine, Plan, ProgressUpdate, Workstream
from actionplans.state import (
    ActionState,
    Completion,
    Tally,
    percent_of,
    sortable_states,
    states,
)
from councils.models import Council, Rag, Status, StatusGroup
from councils.rules import REVIEWER_ROLES

# Display order of RAG colours: done first, then good to bad, then not started.
RAG_ORDER = [Rag.BLUE, Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GREY]
NO_STATUS = "No status reported"
UPCOMING_DAYS = 92  # about one reporting quarter ahead


@dataclass
class Count:
    key: str
    label: str
    rag: str
    count: int
    percent: int


def count_by_status(states: list[ActionState], statuses: list[Status]) -> list[Count]:
    total = len(states)
    tally = Counter(s.status.pk if s.status else None for s in states)
    counts = [
        Count(str(st.pk), st.label, st.rag, tally[st.pk], percent_of(tally[st.pk], total))
        for st in statuses
        if tally[st.pk]
    ]
    if tally[None]:
        counts.append(
            Count("none", NO_STATUS, Rag.GREY, tally[None], percent_of(tally[None], total))
        )
    return counts


def count_by_rag(states: list[ActionState]) -> list[Count]:
    total = len(states)
    tally = Counter(s.rag for s in states)
    counts = [
        Count(
            rag.value, rag.label, rag.value, tally[rag.value], percent_of(tally[rag.value], total)
        )
        for rag in RAG_ORDER
        if tally[rag.value]
    ]
    if tally[None]:
        counts.append(
            Count("none", NO_STATUS, Rag.GREY, tally[None], percent_of(tally[None], total))
        )
    return counts


# The chart's segments, in the headline's order, each in the colour that group reads as.
CHART_GROUPS = [
    (StatusGroup.COMPLETE, "Complete", Rag.BLUE),
    (StatusGroup.ON_TARGET, "On target", Rag.GREEN),
    (OVERDUE, "Overdue", Rag.RED),
    (StatusGroup.BEHIND, "Behind schedule", Rag.AMBER),
]
CHART_GREY = [
    (StatusGroup.NOT_STARTED, "Not started"),
    (StatusGroup.CLOSED, "Closed or on hold"),
    (StatusGroup.NO_STATUS, "No status reported"),
]

PROGRESS_RAG = {
    "are complete or on target": Rag.GREEN,
    "are overdue": Rag.RED,
    "are behind schedule": Rag.AMBER,
}


def progress_counts(tally: Tally) -> list[Count]:
    """The headline's groups, in its order, as rows of a table."""
    return [
        Count(words, words.split(" ", 1)[1].capitalize(), PROGRESS_RAG.get(words, Rag.GREY), n, pc)
        for words, n, pc in tally.parts()
    ]


def headline(rows: list[ActionState]) -> str:
    """ "5 (29%) of 17 actions are complete or on target; 10 (59%) are overdue; …" """
    return Tally.of(rows).sentence()


@dataclass
class WorkstreamCounts:
    label: str
    total: int
    counts: list[Count] = field(default_factory=list)
    summary: str = ""
    tally: Tally | None = None

    def count_for(self, key: str) -> int:
        return next((c.count for c in self.counts if c.key == key), 0)


def by_workstream(states: list[ActionState], statuses: list[Status]) -> list[WorkstreamCounts]:
    """Counts per status for each workstream that holds actions, in plan order."""
    groups: dict[int | None, list[ActionState]] = {}
    labels: dict[int | None, str] = {}
    for state in states:
        ws = state.action.workstream
        key = ws.pk if ws else None
        groups.setdefault(key, []).append(state)
        labels[key] = str(ws) if ws else "Other actions"
    rows = []
    for key, group in groups.items():
        tally = Tally.of(group)
        rows.append(
            WorkstreamCounts(
                label=labels[key],
                total=len(group),
                counts=count_by_status(group, statuses),
                summary=tally.summary(),
                tally=tally,
            )
        )
    return rows


@dataclass
class PlanDashboard:
    plan: Plan
    as_at: datetime.date
    is_today: bool
    today: datetime.date
    quarter: Quarter
    previous_date: datetime.date
    states: list[ActionState]
    tally: Tally
    completion: Completion
    by_status: list[Count]
    by_rag: list[Count]
    workstreams: list[WorkstreamCounts]
    overdue: list[ActionState]
    upcoming: list[ActionState]
    changes: list[ActionState]
    update_overdue: list[ActionState]

    @property
    def headline(self) -> str:
        return self.tally.sentence()

    @property
    def period_label(self) -> str:
        return self.quarter.label

    @property
    def by_progress(self) -> list[Count]:
        """The headline's groups as counts: what the headline sentence says, as a table."""
        return progress_counts(self.tally)

    @property
    def update_overdue_sentence(self) -> str:
        """ "7 actions have no update since Q2 2026/27." (the quarter they owe)"""
        if not self.update_overdue:
            return ""
        owed = max(s.update_expected_for for s in self.update_overdue)
        n = len(self.update_overdue)
        noun = "action has" if n == 1 else "actions have"
        return f"{n} {noun} no update for {owed.label} or since."

    @property
    def total(self) -> int:
        return len(self.states)

    @property
    def upcoming_until(self) -> datetime.date:
        return self.as_at + datetime.timedelta(days=UPCOMING_DAYS)

    def chart_rows(self) -> list[tuple[str, list[tuple[str, str, str, int]]]]:
        """Per workstream, how many actions are in each of the headline's groups, so the chart
        says what the headline says: complete, on target, overdue, behind, and the rest (not
        started, closed, no status) together in grey, labelled with the groups it holds."""
        grey = [g for g, _ in CHART_GREY if self.tally.count(g)]
        grey_label = " / ".join(label for g, label in CHART_GREY if g in grey)
        rows = []
        for ws in self.workstreams:
            segments = [
                (key, label, colour, ws.tally.count(key))
                for key, label, colour in CHART_GROUPS
                if self.tally.count(key)
            ]
            if grey:
                segments.append(("other", grey_label, Rag.GREY, ws.tally.count(*grey)))
            rows.append((ws.label, segments))
        return rows

    def chart_summary(self) -> str:
        """The chart in words: one sentence per workstream, worded like the headline."""
        return " ".join(f"{ws.label}: {ws.summary}." for ws in self.workstreams)

    def workstream_table(self) -> list[tuple[WorkstreamCounts, list[int]]]:
        """Each workstream's count for every status column the plan uses (zeros included)."""
        keys = [count.key for count in self.by_status]
        return [(ws, [ws.count_for(key) for key in keys]) for ws in self.workstreams]


def build_plan_dashboard(
    plan: Plan, *, as_at: datetime.date | None = None, today: datetime.date | None = None
) -> PlanDashboard:
    """Everything the plan dashboard shows, as at a date (the plan's default day unless
    given), all from the read model (actionplans.state). Five queries."""
    today = today or timezone.localdate()
    day = as_at or plan.opens_as_at(today)
    fy_start = plan.council.financial_year_start_month
    status_list = list(plan.council.statuses.all())
    statuses = {s.pk: s for s in status_list}
    quarter = Quarter.containing(day, fy_start)
    previous = quarter.previous().end
    # One plan's workstreams are few: joined to each action, they save a query.
    actions = plan.actions.select_related("workstream__parent")
    rows = states(actions, day, previous=previous, statuses=statuses)
    horizon = day + datetime.timedelta(days=UPCOMING_DAYS)
    upcoming = [
        s
        for s in rows
        if not s.is_closed and s.deadline_is_dated and day <= s.deadline_date <= horizon
    ]
    return PlanDashboard(
        plan=plan,
        as_at=day,
        is_today=day == today,
        today=today,
        quarter=quarter,
        previous_date=previous,
        states=rows,
        tally=Tally.of(rows),
        completion=Completion.of(rows),
        by_status=count_by_status(rows, status_list),
        by_rag=count_by_rag(rows),
        workstreams=by_workstream(rows, status_list),
        overdue=sorted((s for s in rows if s.is_overdue), key=lambda s: s.deadline_date),
        upcoming=sorted(upcoming, key=lambda s: s.deadline_date),
        changes=[s for s in rows if s.has_changed],
        update_overdue=[s for s in rows if s.is_update_overdue],
    )


@dataclass
class MissingUpdate:
    """An update an action owes: for the quarter whose window is open (due soon), or for
    the last quarter whose window has closed (overdue)."""

    state: ActionState
    quarter: Quarter
    due: datetime.date
    is_overdue: bool

    @property
    def action(self) -> Action:
        return self.state.action

    @property
    def period_label(self) -> str:
        return self.quarter.label


def missing_updates(actions: QuerySet[Action], today: datetime.date) -> list[MissingUpdate]:
    """The updates owed on `today` by actions in published plans: those whose update window
    is open and have none (approved or waiting) for that quarter, and those the read model
    finds update-overdue (none for the last quarter whose window has closed). Complete and
    closed actions owe none. Overdue ones first, then by due date and plan order."""
    return missing_from(states(actions, today), today)


def missing_from(rows: list[ActionState], today: datetime.date) -> list[MissingUpdate]:
    """missing_updates() of rows already read."""
    missing = []
    being_reported: dict[int, tuple[Quarter | None, datetime.date | None]] = {}
    for state in rows:
        plan = state.action.plan
        if state.is_closed or plan.lifecycle != Plan.Lifecycle.APPROVED:
            continue
        # The quarter being reported and its due day, worked out once a plan: an officer's
        # thousand actions are in a handful of plans.
        if plan.pk not in being_reported:
            quarter = plan.quarter_being_reported(today)
            being_reported[plan.pk] = (
                quarter,
                plan.update_window.closes(quarter) if quarter is not None else None,
            )
        quarter, due = being_reported[plan.pk]
        last = state.action.state_last_period_end
        if quarter is not None and (last is None or last < quarter.end):
            missing.append(MissingUpdate(state, quarter, due, False))
        elif state.is_update_overdue:
            owed = state.update_expected_for
            missing.append(MissingUpdate(state, owed, plan.update_window.closes(owed), True))
    missing.sort(
        key=lambda m: (
            not m.is_overdue,
            m.due,
            m.action.plan.title,
            m.action.plan_id,
            m.action.order,
        )
    )
    return missing


@dataclass
class MyAction:
    state: ActionState
    missing: MissingUpdate | None
    latest_own: ProgressUpdate | None  # the person's newest update if still waiting or returned

    @property
    def action(self) -> Action:
        return self.state.action

    @property
    def is_due(self) -> bool:
        return self.missing is not None

    @property
    def is_overdue(self) -> bool:
        return self.state.is_overdue


MY_ACTIONS_PER_PAGE = 50


def build_my_actions(user, today: datetime.date, page: str | int | None = 1) -> dict:
    """What "My actions" shows: the actions a person leads in plans they can see, those
    owing an update first (overdue updates, then the soonest due), then overdue actions,
    then the rest, 50 to a page (`page`, as the query string gives it); plus counts over
    them all, and for reviewers the councils whose approvals and chasing pages they can
    open. Every state is the read model's, today: the order and counts from
    sortable_states(), the rows of the page shown from states()."""
    actions = Action.objects.led_by(user).visible_to(user)
    read = sortable_states(actions.order_by("plan__title", "order"), today)
    missing = {m.action.pk: m for m in missing_from(read, today)}
    own: dict[int, ProgressUpdate] = {}
    for update in (
        ProgressUpdate.objects.filter(action__in=actions, author=user)
        .exclude(state=ProgressUpdate.State.APPROVED)
        .order_by("created_at")
    ):
        own[update.action_id] = update
    rows = [MyAction(s, missing.get(s.action.pk), own.get(s.action.pk)) for s in read]
    rows.sort(
        key=lambda r: (
            0
            if r.missing and r.missing.is_overdue
            else 1
            if r.is_due
            else 2
            if r.is_overdue
            else 3,
            r.missing.due if r.missing else datetime.date.max,
            r.state.deadline_date or datetime.date.max if r.is_overdue else datetime.date.max,
        )
    )
    shown = Paginator(rows, MY_ACTIONS_PER_PAGE).get_page(page)
    full = {
        state.action.pk: state
        for state in states(
            Action.objects.filter(pk__in=[r.action.pk for r in shown]), today, leads=False
        )
    }
    for item in shown:
        item.state = full[item.action.pk]
        if item.missing:
            item.missing.state = item.state
    reviewing = []
    if user.is_authenticated:
        councils = Council.objects.filter(
            memberships__user=user, memberships__role__in=REVIEWER_ROLES
        ).distinct()
        if user.is_superuser:
            councils = Council.objects.all()
        councils = list(councils)
        waiting = {}
        if councils:
            waiting = dict(
                ProgressUpdate.objects.awaiting_approval()
                .filter(action__plan__council__in=councils)
                .values_list("action__plan__council")
                .annotate(n=models.Count("pk"))
            )
        reviewing = [(council, waiting.get(council.pk, 0)) for council in councils]
    return {
        "rows": rows,
        "page": shown,
        "due_count": sum(1 for r in rows if r.is_due and not r.missing.is_overdue),
        "update_overdue_count": sum(1 for r in rows if r.missing and r.missing.is_overdue),
        "overdue_count": sum(1 for r in rows if r.is_overdue),
        "waiting_count": sum(1 for r in rows if r.latest_own and r.latest_own.state == "submitted"),
        "returned_count": sum(1 for r in rows if r.latest_own and r.latest_own.state == "returned"),
        "reviewing": reviewing,
        "today": today,
    }


def missing_by_department(
    actions: QuerySet[Action], today: datetime.date
) -> list[tuple[str, list[MissingUpdate]]]:
    """Missing updates grouped by lead department (an action led jointly is listed under each
    of its leads), departments in name order, actions with no lead department last."""
    groups: dict[str, list[MissingUpdate]] = {}
    for item in missing_updates(actions, today):
        leads = item.action.ordered_leads() or [None]
        for department in leads:
            groups.setdefault(department.name if department else "", []).append(item)
    named = sorted((name, items) for name, items in groups.items() if name)
    if "" in groups:
        named.append(("No lead department", groups[""]))
    return named


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    kind: str
    changes: list[tuple[str, str, str]]  # (field label, old, new)
    subject: str = ""  # on a plan's history: what changed ("Action 1.2 Build homes")


# Fields whose changes are not worth a line: bookkeeping, or read from another field.
_QUIET = {
    "id",
    "version",
    "last_updated",
    "created_at",
    "updated_at",
    "deadline_date",
    "deadline_precision",
    "order",
}


def change_history(action: Action, limit: int = 50) -> list[HistoryEntry]:
    """Who changed what on an action and when, newest first, from its audit trail: its
    fields and its lead departments (in order), partners and wards."""
    records = list(
        action.history.select_related("history_user").order_by("-history_id")[: limit + 1]
    )
    names = _Names(action.plan)
    return _entries(records, Action, names, limit)


def plan_change_history(plan: Plan, limit: int = 200) -> list[HistoryEntry]:
    """Everything changed on a plan, newest first: its details, budget lines, workstreams
    and actions (each named), from their audit trails."""
    names = _Names(plan)
    entries: list[HistoryEntry] = []
    sources = [
        (plan.history.all(), Plan, lambda r: "The plan"),
        (
            BudgetLine.history.filter(plan_id=plan.pk),
            BudgetLine,
            lambda r: f"Budget {r.instance}",
        ),
        (
            Workstream.history.filter(plan_id=plan.pk),
            Workstream,
            lambda r: f"{plan.workstream_label or 'Workstream'} {r.instance}",
        ),
        (Action.history.filter(plan_id=plan.pk), Action, lambda r: f"Action {r.instance}"),
    ]
    for history, model, subject in sources:
        records = list(history.select_related("history_user").order_by("-history_id")[: limit + 1])
        by_object: dict[int, list] = {}
        for record in records:
            by_object.setdefault(record.id, []).append(record)
        for versions in by_object.values():
            for entry, record in _entries(versions, model, names, limit, with_records=True):
                entry.subject = subject(record)
                entries.append(entry)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def _entries(records: list, model, names: _Names, limit: int, *, with_records=False):
    """Entries from one object's history records, newest first."""
    fields = {f.name: f for f in model._meta.get_fields() if hasattr(f, "verbose_name")}
    labels = {name: f.verbose_name for name, f in fields.items()}
    entries = []
    for record, older in zip(records, [*records[1:], None], strict=True):
        changes = []
        if older is not None and record.history_type == "~":
            for change in record.diff_against(older).changes:
                if change.field in _QUIET:
                    continue
                label = str(labels.get(change.field, change.field))
                choices = dict(getattr(fields.get(change.field), "flatchoices", None) or [])
                old, new = (
                    choices.get(value, value) if choices and not isinstance(value, list) else value
                    for value in (change.old, change.new)
                )
                changes.append(
                    (
                        label[:1].upper() + label[1:],
                        names.value(change.field, old),
                        names.value(change.field, new),
                    )
                )
            if not changes:
                continue
        who = record.history_user.display_name() if record.history_user else "System"
        kind = {"+": "Created", "~": "Changed", "-": "Deleted"}[record.history_type]
        entry = HistoryEntry(record.history_date, who, kind, changes)
        entries.append((entry, record) if with_records else entry)
        if len(entries) == limit:
            break
    return entries


class _Names:
    """Names for the ids a history record keeps, each kind looked up once."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._cache: dict[str, dict] = {}

    def _of(self, kind: str) -> dict:
        if kind not in self._cache:
            council = self.plan.council
            source = {
                "status": lambda: council.statuses.all(),
                "workstream": lambda: Workstream.objects.filter(plan=self.plan),
                "parent": lambda: Workstream.objects.filter(plan=self.plan),
                "department": lambda: council.departments.all(),
                "lead_department": lambda: council.departments.all(),
                "partner": lambda: council.partners.all(),
                "ward": lambda: council.wards.all(),
                "approved_by": lambda: council.committees.all(),
                "corporatepriority": lambda: council.corporate_priorities.all(),
                "portfolioholder": lambda: council.portfolio_holders.all(),
            }[kind]
            self._cache[kind] = {obj.pk: str(obj) for obj in source()}
        return self._cache[kind]

    def value(self, field: str, value) -> str:
        if value in (None, "", []):
            return "(none)"
        if isinstance(value, list):  # a relation's rows: [{"action": 1, "ward": 3}, ...]
            rows = sorted(value, key=lambda row: row.get("order", 0))
            shown = []
            for row in rows:
                kind, pk = next(
                    (k, v) for k, v in row.items() if k not in ("action", "plan", "order")
                )
                shown.append(self._of(kind).get(pk, f"(removed, {pk})"))
            return ", ".join(shown)
        if field in ("status", "workstream", "parent", "lead_department", "approved_by"):
            return self._of(field).get(value, str(value))
        if isinstance(value, bool):
            return "Yes" if value else "No"
        return str(value)
