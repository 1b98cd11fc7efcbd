"""Read-only summaries of plans for dashboards (and later report appendices): each action's
status as at a date, counted and worded the way Cabinet reports count and word it."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from actionplans.deadlines import Precision
from actionplans.financial_calendar import Quarter
from actionplans.models import Action, ActionLead, Plan, ProgressUpdate
from councils.models import Council, Rag, Status
from councils.rules import REVIEWER_ROLES

# Display order of RAG colours: done first, then good to bad, then not started.
RAG_ORDER = [Rag.BLUE, Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GREY]
NO_STATUS = "No status reported"
UPCOMING_DAYS = 92  # about one reporting quarter ahead


@dataclass
class ActionState:
    """An action as it stood on a date."""

    action: Action
    status: Status | None
    percent: int | None
    commentary: str
    reported_on: datetime.date | None
    previous_status: Status | None = None
    is_overdue: bool = False

    @property
    def is_closed(self) -> bool:
        return self.status is not None and self.status.is_closed

    @property
    def rag(self) -> str | None:
        return self.status.rag if self.status else None

    @property
    def effective_percent(self) -> int:
        """For an average: complete counts as 100, nothing reported as 0."""
        if self.status is not None and self.status.is_complete:
            return 100
        return self.percent or 0

    @property
    def has_changed(self) -> bool:
        return self.previous_status != self.status


@dataclass
class Count:
    key: str
    label: str
    rag: str
    count: int
    percent: int


def percent_of(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def action_states(
    actions: QuerySet[Action],
    statuses: dict[int, Status],
    *,
    as_at: datetime.date,
    previous: datetime.date | None = None,
) -> list[ActionState]:
    """The state of each action as at `as_at` (and its status at `previous`), from the update
    history. Two queries: the actions with their annotations, and their lead departments."""
    queryset = actions.with_status_as_at(as_at).select_related("workstream__parent")
    queryset = queryset.prefetch_related(
        Prefetch("lead_links", queryset=ActionLead.objects.select_related("department"))
    )
    previous_status_ids: dict[int, int | None] = {}
    if previous is not None:
        previous_status_ids = dict(
            actions.with_status_as_at(previous).values_list("pk", "as_at_status_id")
        )
    states = []
    for action in queryset:
        status = statuses.get(action.as_at_status_id)
        state = ActionState(
            action=action,
            status=status,
            percent=action.as_at_percent,
            commentary=action.as_at_commentary or "",
            reported_on=action.as_at_reported_on,
            previous_status=statuses.get(previous_status_ids.get(action.pk)),
        )
        state.is_overdue = is_overdue(state, as_at)
        states.append(state)
    return states


def is_overdue(state: ActionState, day: datetime.date) -> bool:
    """Past its deadline and not closed. Fuzzy deadlines count at the end of their period;
    ongoing and undated ones never become overdue."""
    action = state.action
    if state.is_closed or action.deadline_date is None:
        return False
    if action.deadline_precision in (Precision.ONGOING, Precision.NONE):
        return False
    return action.deadline_date < day


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


# The groups a Cabinet report's headline sentence uses, in the order it reads them.
HEADLINE_GROUPS = [
    ("are complete or on target", lambda s: s.rag in (Rag.BLUE, Rag.GREEN)),
    ("are behind schedule", lambda s: s.rag in (Rag.AMBER, Rag.RED)),
    ("have not started", lambda s: s.rag == Rag.GREY and not s.status.is_started),
    ("are closed or on hold", lambda s: s.rag == Rag.GREY and s.status.is_started),
    ("have no status reported", lambda s: s.status is None),
]


def headline_parts(states: list[ActionState]) -> list[str]:
    """["9 (53%) are complete or on target", "8 (47%) have not started"]: non-empty groups."""
    total = len(states)
    parts = []
    for words, test in HEADLINE_GROUPS:
        n = sum(1 for s in states if test(s))
        if n:
            parts.append(f"{n} ({percent_of(n, total)}%) {words}")
    return parts


def headline(states: list[ActionState]) -> str:
    """ "12 (67%) of 18 actions are complete or on target; 2 (11%) are behind schedule." """
    total = len(states)
    if not total:
        return "This plan has no actions yet."
    noun = "action" if total == 1 else "actions"
    first, *rest = headline_parts(states)
    count, words = first.split(") ", 1)
    return "; ".join([f"{count}) of {total} {noun} {words}", *rest]) + "."


@dataclass
class WorkstreamCounts:
    label: str
    total: int
    counts: list[Count] = field(default_factory=list)
    summary: str = ""
    complete_or_on_target: int = 0
    behind: int = 0

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
        rows.append(
            WorkstreamCounts(
                label=labels[key],
                total=len(group),
                counts=count_by_status(group, statuses),
                complete_or_on_target=sum(1 for s in group if s.rag in (Rag.BLUE, Rag.GREEN)),
                behind=sum(1 for s in group if s.rag in (Rag.AMBER, Rag.RED)),
                summary="; ".join(headline_parts(group)),
            )
        )
    return rows


@dataclass
class PlanDashboard:
    plan: Plan
    as_at: datetime.date
    is_today: bool
    period_label: str
    previous_date: datetime.date
    states: list[ActionState]
    by_status: list[Count]
    by_rag: list[Count]
    headline: str
    overall_percent: int
    workstreams: list[WorkstreamCounts]
    overdue: list[ActionState]
    upcoming: list[ActionState]
    changes: list[ActionState]

    @property
    def total(self) -> int:
        return len(self.states)

    @property
    def upcoming_until(self) -> datetime.date:
        return self.as_at + datetime.timedelta(days=UPCOMING_DAYS)

    def chart_rows(self) -> list[tuple[str, list[tuple[str, str, str, int]]]]:
        """Per workstream, counts per RAG colour, each labelled with the council's words in
        that colour ("On target / Ongoing"): two statuses of one colour would otherwise be
        two bars nobody could tell apart."""
        words: dict[str, list[str]] = {}
        for count in self.by_status:
            words.setdefault(count.rag, []).append(count.label)
        rows = []
        for ws in self.workstreams:
            segments = []
            for rag in RAG_ORDER:
                n = sum(c.count for c in ws.counts if c.rag == rag)
                if rag in words:
                    segments.append((rag.value, " / ".join(words[rag]), rag.value, n))
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
    """Everything the plan dashboard shows, as at a date (today unless given). Four queries."""
    today = today or timezone.localdate()
    day = as_at or today
    fy_start = plan.council.financial_year_start_month
    status_list = list(plan.council.statuses.all())
    statuses = {s.pk: s for s in status_list}
    quarter = Quarter.containing(day, fy_start)
    previous = quarter.previous().end
    states = action_states(plan.actions.all(), statuses, as_at=day, previous=previous)
    horizon = day + datetime.timedelta(days=UPCOMING_DAYS)
    dated = [s for s in states if s.action.deadline_date is not None]
    upcoming = [
        s
        for s in dated
        if not s.is_closed
        and s.action.deadline_precision not in (Precision.ONGOING, Precision.NONE)
        and day <= s.action.deadline_date <= horizon
    ]
    return PlanDashboard(
        plan=plan,
        as_at=day,
        is_today=day == today,
        period_label=quarter.label,
        previous_date=previous,
        states=states,
        by_status=count_by_status(states, status_list),
        by_rag=count_by_rag(states),
        headline=headline(states),
        overall_percent=round(sum(s.effective_percent for s in states) / len(states))
        if states
        else 0,
        workstreams=by_workstream(states, status_list),
        overdue=sorted((s for s in states if s.is_overdue), key=lambda s: s.action.deadline_date),
        upcoming=sorted(upcoming, key=lambda s: s.action.deadline_date),
        changes=[s for s in states if s.has_changed],
    )


@dataclass
class MissingUpdate:
    action: Action
    period_label: str
    due: datetime.date


def missing_updates(actions: QuerySet[Action], today: datetime.date) -> list[MissingUpdate]:
    """Actions in published plans whose update window is open today and that have no
    update (submitted or approved) for that window's quarter. Closed actions need none.
    One query for the plans, then one per distinct open quarter (usually one)."""
    actions = actions.filter(plan__lifecycle=Plan.Lifecycle.APPROVED).open()
    plans = Plan.objects.filter(pk__in=actions.values("plan")).select_related("council")
    open_by_plan: dict[int, tuple[int, int, datetime.date]] = {}
    for plan in plans:
        quarter = plan.quarter_being_reported(today)
        if quarter is not None:
            due = plan.update_window.closes(quarter)
            open_by_plan[plan.pk] = (quarter.financial_year, quarter.number, due)
    by_quarter: dict[tuple[int, int], list[int]] = {}
    for plan_id, (fy, q, _) in open_by_plan.items():
        by_quarter.setdefault((fy, q), []).append(plan_id)
    missing = []
    for (fy, q), plan_ids in by_quarter.items():
        pending = (
            actions.filter(plan__in=plan_ids)
            .exclude(
                updates__period__financial_year=fy,
                updates__period__quarter=q,
                updates__state__in=["submitted", "approved"],
            )
            .select_related("plan__council", "status")
            .prefetch_related(
                Prefetch("lead_links", queryset=ActionLead.objects.select_related("department"))
            )
            .order_by("plan", "order")
        )
        for action in pending:
            due = open_by_plan[action.plan_id][2]
            missing.append(MissingUpdate(action, f"Q{q} {fy}/{(fy + 1) % 100:02d}", due))
    return missing


@dataclass
class MyAction:
    action: Action
    missing: MissingUpdate | None
    is_overdue: bool
    latest_own: ProgressUpdate | None  # the person's newest update if still waiting or returned

    @property
    def is_due(self) -> bool:
        return self.missing is not None


def build_my_actions(user, today: datetime.date) -> dict:
    """What "My actions" shows: the actions a person leads in plans they can see, those due
    an update in the open window first (soonest due), then overdue ones, then the rest; plus
    counts, and for reviewers the councils whose approvals and chasing pages they can open."""
    actions = Action.objects.led_by(user).visible_to(user)
    missing = {m.action.pk: m for m in missing_updates(actions, today)}
    overdue = set(actions.overdue(today).values_list("pk", flat=True))
    own: dict[int, ProgressUpdate] = {}
    for update in (
        ProgressUpdate.objects.filter(action__in=actions, author=user)
        .exclude(state=ProgressUpdate.State.APPROVED)
        .order_by("created_at")
    ):
        own[update.action_id] = update
    rows = [
        MyAction(action, missing.get(action.pk), action.pk in overdue, own.get(action.pk))
        for action in actions.select_related("plan__council", "status", "workstream")
        .prefetch_related(
            Prefetch("lead_links", queryset=ActionLead.objects.select_related("department"))
        )
        .order_by("plan__title", "order")
    ]
    rows.sort(
        key=lambda r: (
            0 if r.is_due else 1 if r.is_overdue else 2,
            r.missing.due if r.missing else datetime.date.max,
            r.action.deadline_date or datetime.date.max if r.is_overdue else datetime.date.max,
        )
    )
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
        "due_count": sum(1 for r in rows if r.is_due),
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


def change_history(action: Action, limit: int = 50) -> list[HistoryEntry]:
    """Who changed what on an action and when, newest first, from its audit trail."""
    records = list(
        action.history.select_related("history_user").order_by("-history_id")[: limit + 1]
    )
    labels = {f.name: f.verbose_name for f in Action._meta.fields}
    skip = {"id", "version", "last_updated", "created_at", "deadline_date", "deadline_precision"}
    entries = []
    for record, older in zip(records, [*records[1:], None], strict=True):
        changes = []
        if older is not None:
            delta = record.diff_against(older)
            for change in delta.changes:
                if change.field in skip:
                    continue
                changes.append(
                    (
                        str(labels.get(change.field, change.field)).capitalize(),
                        _history_value(action, change.field, change.old),
                        _history_value(action, change.field, change.new),
                    )
                )
            if not changes:
                continue
        who = record.history_user.display_name() if record.history_user else "System"
        kind = {"+": "Created", "~": "Changed", "-": "Deleted"}[record.history_type]
        entries.append(HistoryEntry(record.history_date, who, kind, changes))
        if len(entries) == limit:
            break
    return entries


def _history_value(action: Action, field: str, value) -> str:
    if value in (None, ""):
        return "(none)"
    if field == "status":
        status = Status.objects.filter(pk=value).first()
        return status.label if status else str(value)
    if field == "workstream":
        return str(action.plan.workstreams.filter(pk=value).first() or value)
    return str(value)
