"""Writes that touch several rows. Forms, the importer and the command line all call these."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from actionplans.deadlines import parse_deadline
from actionplans.financial_calendar import Quarter
from actionplans.models import (
    Action,
    MeasureReading,
    ProgressUpdate,
    ReportingPeriod,
)
from councils.models import Council, Rag, Status

# Fields an officer sees on the update form: a change to any of them since the form was
# opened means the officer was looking at something that is no longer true.
WATCHED_FIELDS = {
    "status": "Status",
    "percent_complete": "% complete",
    "status_commentary": "Commentary",
    "deadline_text": "Deadline",
    "title": "Title",
}


@dataclass(frozen=True)
class Change:
    field: str
    was: str
    now: str


class UpdateConflict(Exception):
    """The action changed after the form was opened: nothing was saved."""

    def __init__(self, changes: list[Change], changed_by: str) -> None:
        self.changes = changes
        self.changed_by = changed_by
        super().__init__("The action changed after the form was opened.")


def reporting_period_for(council: Council, day: datetime.date) -> ReportingPeriod:
    """The council's reporting quarter containing `day`, created on first use."""
    return reporting_period_of(council, Quarter.containing(day, council.financial_year_start_month))


def reporting_period_of(council: Council, quarter: Quarter) -> ReportingPeriod:
    period, _ = ReportingPeriod.objects.get_or_create(
        council=council,
        financial_year=quarter.financial_year,
        quarter=quarter.number,
        defaults={"start": quarter.start, "end": quarter.end},
    )
    return period


def period_to_report(action: Action, day: datetime.date) -> ReportingPeriod:
    """The period an update made on `day` reports on: the quarter whose update window is
    open (so a report written in early January counts for October to December), otherwise
    the quarter containing the day."""
    plan = action.plan
    council = plan.council
    quarter = plan.update_window.quarter_reported_on(day, council.financial_year_start_month)
    return reporting_period_of(council, quarter)


def _describe(action: Action, field: str) -> str:
    value = getattr(action, field)
    if value is None or value == "":
        return "(none)"
    if field == "percent_complete":
        return f"{value}%"
    return str(value)


def changes_since(action: Action, version: int) -> UpdateConflict:
    """What changed on `action` since it was at `version`, from its audit history."""
    then = action.history.filter(version=version).order_by("-history_id").first()
    latest = action.history.order_by("-history_id").first()
    changed_by = ""
    if latest is not None and latest.history_user is not None:
        changed_by = latest.history_user.display_name()
    changes = []
    if then is not None:
        old = then.instance
        for field, label in WATCHED_FIELDS.items():
            was, now = _describe(old, field), _describe(action, field)
            if was != now:
                changes.append(Change(label, was, now))
    return UpdateConflict(changes, changed_by)


def update_errors(
    action: Action,
    *,
    status: Status | None,
    commentary: str = "",
    percent_complete: int | None = None,
    period: ReportingPeriod,
    revised_deadline: str = "",
    deadline_reason: str = "",
) -> dict[str, str]:
    """What the council's rules say is wrong with an update, field by field (empty if nothing).
    record_update() enforces these; forms call it to show the errors beside the fields."""
    errors = {}
    if status is not None and status.council_id != action.plan.council_id:
        errors["status"] = "Choose a status from this council's vocabulary."
    if percent_complete is not None and not 0 <= percent_complete <= 100:
        errors["percent_complete"] = "Enter a percentage from 0 to 100."
    if status is not None and status.rag in (Rag.RED, Rag.AMBER) and not commentary.strip():
        errors["commentary"] = (
            f"Explain why the action is {status.label.lower()} and what is being done."
        )
    if revised_deadline.strip() and not deadline_reason.strip():
        errors["deadline_reason"] = "Give the reason the deadline has changed."
    if period.is_locked:
        errors["period"] = f"{period.label} is locked: its updates can no longer change."
    return errors


@transaction.atomic
def record_update(
    action: Action,
    *,
    by,
    status: Status | None,
    commentary: str = "",
    percent_complete: int | None = None,
    reported_on: datetime.date | None = None,
    period: ReportingPeriod | None = None,
    author_title: str | None = None,
    revised_deadline: str = "",
    deadline_reason: str = "",
    readings: list[dict] | None = None,
    expected_version: int | None = None,
) -> ProgressUpdate:
    """Record a progress update (`status` None only for an import's words or % without a
    status word). On a plan that needs approval it waits, SUBMITTED, for a
    plan manager; otherwise it is applied at once: the action's status, %, commentary and
    (if revised) deadline follow it, and its measure readings are stored. All or nothing.

    Raises UpdateConflict if `expected_version` is given and the action has changed since,
    and ValidationError for anything the council's rules forbid (a locked period, a status
    from another council, a red or amber status without commentary, a revised deadline
    without a reason). An update dated before the latest one is kept in the history but does
    not replace the current status."""
    # Only the action's row is locked: FOR UPDATE of a join locks every row joined, and two
    # officers saving different actions of one council each held the council's row, then
    # deadlocked raising its content version (bench/soak.py found it on PostgreSQL).
    action = (
        Action.objects.select_for_update(of=("self",))
        .select_related("plan__council")
        .get(pk=action.pk)
    )
    if expected_version is not None and action.version != expected_version:
        raise changes_since(action, expected_version)
    reported_on = reported_on or timezone.localdate()
    period = period or period_to_report(action, reported_on)
    errors = update_errors(
        action,
        status=status,
        commentary=commentary,
        percent_complete=percent_complete,
        period=period,
        revised_deadline=revised_deadline,
        deadline_reason=deadline_reason,
    )
    if errors:
        raise ValidationError(errors)
    if percent_complete is None and status is not None and status.default_percent is not None:
        percent_complete = status.default_percent
    if author_title is None:
        author_title = by.display_name() if by is not None else ""
    revised = parse_deadline(
        revised_deadline.strip(), fy_start_month=action.plan.council.financial_year_start_month
    )

    update = ProgressUpdate.objects.create(
        action=action,
        period=period,
        reported_on=reported_on,
        author=by,
        author_title=author_title,
        status=status,
        percent_complete=percent_complete,
        commentary=commentary,
        revised_deadline_text=revised_deadline.strip(),
        revised_deadline_date=revised.date if revised_deadline.strip() else None,
        revised_deadline_precision=revised.precision if revised_deadline.strip() else "",
        deadline_reason=deadline_reason.strip(),
        readings=readings or [],
        state=(
            ProgressUpdate.State.SUBMITTED
            if action.plan.requires_approval
            else ProgressUpdate.State.APPROVED
        ),
    )
    if update.is_approved:
        _apply(update, action, by=by)
    return update


@dataclass
class ImportedUpdate:
    """What a spreadsheet said of one new action, as at the day it reports on."""

    action_id: int | None  # None until the action is saved
    status: Status | None
    percent_complete: int | None
    commentary: str
    reported_on: datetime.date


def imported_state(item: ImportedUpdate) -> dict:
    """A new action's current fields from its imported report: the same copy _apply makes
    of an approved update, made before the action is first saved so its audit history
    starts from what the spreadsheet said. A status's default % stands in for a % the sheet
    did not give (on the report as well)."""
    if item.percent_complete is None and item.status is not None:
        item.percent_complete = item.status.default_percent
    return {
        "status_id": item.status.pk if item.status is not None else None,
        "status_commentary": item.commentary,
        "percent_complete": item.percent_complete,
        "last_updated": item.reported_on,
    }


def imported_periods(council: Council, days: list[datetime.date]) -> dict:
    """The council's reporting period of each day, each quarter looked up (or created) once:
    a sheet's completion dates are many days in a few quarters."""
    by_quarter: dict[Quarter, ReportingPeriod] = {}
    periods = {}
    for day in set(days):
        quarter = Quarter.containing(day, council.financial_year_start_month)
        if quarter not in by_quarter:
            by_quarter[quarter] = reporting_period_of(council, quarter)
        periods[day] = by_quarter[quarter]
    return periods


def record_imported_updates(
    plan, items: list[ImportedUpdate], council: Council, *, by, author_title: str
) -> None:
    """A new plan's history as its spreadsheet gives it: one approved update per reported
    action, in the reporting quarter containing its day. The actions were saved with
    imported_state(), so the update is a copy of their current fields, and the database
    makes every copy in one statement. The update form's rule that red and amber
    need commentary is for new reports; a sheet is history, and its rows without commentary
    are flagged on the preview instead."""
    imported_periods(council, [item.reported_on for item in items])  # created before the copy
    quote = connection.ops.quote_name
    update, action, period = (
        quote(model._meta.db_table) for model in (ProgressUpdate, Action, ReportingPeriod)
    )
    readings = ProgressUpdate._meta.get_field("readings").get_db_prep_save([], connection)
    sql = (
        f"INSERT INTO {update} (action_id, period_id, period_end, reported_on, author_id, "
        "author_title, "
        "status_id, percent_complete, commentary, revised_deadline_text, "
        "revised_deadline_date, revised_deadline_precision, deadline_reason, readings, state, "
        "reviewed_by_id, reviewed_at, review_comment, created_at) "
        f"SELECT a.id, p.id, p.{quote('end')}, a.last_updated, %s, %s, a.status_id, "
        "a.percent_complete, "
        "a.status_commentary, '', NULL, '', '', %s, %s, NULL, NULL, '', %s "
        f"FROM {action} a JOIN {period} p ON p.council_id = %s "
        f"AND a.last_updated >= p.{quote('start')} AND a.last_updated <= p.{quote('end')} "
        "WHERE a.plan_id = %s AND a.last_updated IS NOT NULL"
    )
    params = [
        by.pk if by is not None else None,
        author_title,
        readings,
        ProgressUpdate.State.APPROVED.value,
        connection.ops.adapt_datetimefield_value(timezone.now()),
        council.pk,
        plan.pk,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def record_imported_history(
    items: list[ImportedUpdate], council: Council, *, by, author_title: str
) -> None:
    """Earlier periods' reports from a spreadsheet, older than what each action says now:
    kept in its history (approved, in the quarter of their day) without changing its
    current fields, as record_update keeps an older report. One bulk write."""
    periods = imported_periods(council, [item.reported_on for item in items])
    updates = []
    for item in items:
        updates.append(
            ProgressUpdate(
                action_id=item.action_id,
                period=periods[item.reported_on],
                reported_on=item.reported_on,
                author=by,
                author_title=author_title,
                status=item.status,
                percent_complete=item.percent_complete,
                commentary=item.commentary,
                state=ProgressUpdate.State.APPROVED,
            )
        )
    ProgressUpdate.objects.bulk_create(updates, batch_size=500)


def _apply(update: ProgressUpdate, action: Action, *, by) -> None:
    """Make an approved update count: current fields (unless a newer report exists), the
    revised deadline, and the measure readings."""
    newer = (
        action.updates.approved()
        .exclude(pk=update.pk)
        .filter(reported_on__gt=update.reported_on)
        .exists()
    )
    changed = []
    if not newer:
        action.status = update.status
        action.status_commentary = update.commentary
        action.percent_complete = update.percent_complete
        action.last_updated = update.reported_on
        changed += ["status", "status_commentary", "percent_complete", "last_updated"]
    if update.revised_deadline_text:
        if not action.baseline_deadline_text:
            # The deadline the plan was approved with stays on record as the baseline.
            action.baseline_deadline_text = action.deadline_text
            action.baseline_deadline_date = action.deadline_date
            action.baseline_deadline_precision = action.deadline_precision
        action.set_deadline(update.revised_deadline_text)
        action.deadline_revision_reason = update.deadline_reason
        changed += [
            "baseline_deadline_text",
            "baseline_deadline_date",
            "baseline_deadline_precision",
            "deadline_text",
            "deadline_date",
            "deadline_precision",
            "deadline_revision_reason",
        ]
    if changed:
        if by is not None:
            action._history_user = by
        action.save(update_fields=changed)
    measures = {m.pk: m for m in action.measures.all()}
    for reading in update.readings:
        measure = measures.get(reading.get("measure"))
        if measure is None:
            continue
        MeasureReading.objects.update_or_create(
            measure=measure,
            date=update.period.end,
            defaults={
                "value": Decimal(str(reading["value"])),
                "note": reading.get("note", ""),
                "recorded_by": update.author,
            },
        )


def _review(update: ProgressUpdate, by) -> ProgressUpdate:
    update = ProgressUpdate.objects.select_for_update().select_related("period").get(pk=update.pk)
    if update.state != ProgressUpdate.State.SUBMITTED:
        raise ValidationError(f"This update has already been {update.get_state_display().lower()}.")
    if by is not None and update.author_id == by.pk:
        raise ValidationError("Someone else must review your own update.")
    if update.period.is_locked:
        raise ValidationError(f"{update.period.label} is locked: its updates can no longer change.")
    return update


def newer_published(update: ProgressUpdate) -> ProgressUpdate | None:
    """A published update of the same action written after `update` and reporting on the
    same day or later: approving `update` then would put an older state over a newer one."""
    return (
        update.action.updates.approved()
        .exclude(pk=update.pk)
        .filter(reported_on__gte=update.reported_on, created_at__gt=update.created_at)
        .select_related("status")
        .order_by("-reported_on", "-created_at")
        .first()
    )


@transaction.atomic
def approve_update(update: ProgressUpdate, *, by) -> ProgressUpdate:
    """Approve a submitted update: it becomes what everyone sees. If a newer update was
    published while it waited, it is kept in the history as SUPERSEDED instead, with the
    reason as its review comment, and nothing else changes; the caller tells the approver."""
    update = _review(update, by)
    action = Action.objects.select_for_update().get(pk=update.action_id)
    update.reviewed_by = by
    update.reviewed_at = timezone.now()
    newer = newer_published(update)
    if newer is not None:
        update.state = ProgressUpdate.State.SUPERSEDED
        update.review_comment = (
            f"Not published: a newer update ({newer.status or 'no status'}, reported "
            f"{newer.reported_on:%-d %B %Y} by {newer.author_title or 'unknown'}) was published "
            "after this one was written."
        )
        update.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_comment"])
        return update
    update.state = ProgressUpdate.State.APPROVED
    update.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    _apply(update, action, by=by)
    return update


@transaction.atomic
def return_update(update: ProgressUpdate, *, by, comment: str) -> ProgressUpdate:
    """Send a submitted update back to its author with a comment; nothing else changes."""
    if not comment.strip():
        raise ValidationError({"comment": "Say what the officer needs to change."})
    update = _review(update, by)
    update.state = ProgressUpdate.State.RETURNED
    update.reviewed_by = by
    update.reviewed_at = timezone.now()
    update.review_comment = comment.strip()
    update.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_comment"])
    return update


@transaction.atomic
def lock_period(period: ReportingPeriod, *, by) -> ReportingPeriod:
    """Freeze a reported quarter: no update in it can be added, approved or returned."""
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if not period.is_locked:
        period.locked_at = timezone.now()
        period.locked_by = by
        period.save(update_fields=["locked_at", "locked_by"])
    return period


def parse_revised_deadline(action: Action, text: str) -> str:
    """The revised deadline's words, checked: at least something a date can be read from or
    a recognised open-ended wording, so 'asap' does not silently replace a date."""
    parsed = parse_deadline(text, fy_start_month=action.plan.council.financial_year_start_month)
    if parsed.precision == "none":
        raise ValidationError(
            "Enter a deadline a date can be read from, such as 'March 2017', 'Q4 2016/17' or "
            "'31/03/2017', or 'Ongoing'."
        )
    return parsed.text
