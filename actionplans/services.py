"""Writes that touch several rows. Forms, the importer and the command line all call these."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actionplans.models import Action, ProgressUpdate, ReportingPeriod, quarter_bounds
from councils.models import Council, Status


def reporting_period_for(council: Council, day: datetime.date) -> ReportingPeriod:
    """The council's reporting quarter containing `day`, created on first use."""
    fy_year, quarter, start, end = quarter_bounds(day, council.financial_year_start_month)
    period, _ = ReportingPeriod.objects.get_or_create(
        council=council,
        financial_year=fy_year,
        quarter=quarter,
        defaults={"start": start, "end": end},
    )
    return period


@transaction.atomic
def record_update(
    action: Action,
    *,
    by,
    status: Status,
    commentary: str = "",
    percent_complete: int | None = None,
    reported_on: datetime.date | None = None,
    author_title: str | None = None,
) -> ProgressUpdate:
    """Record a progress update and make it the action's current status, in one transaction.

    An update dated before the action's latest one is kept in the history but does not
    overwrite the current status (back-filling an old quarter must not undo a newer report)."""
    council = action.plan.council
    if status.council_id != council.pk:
        raise ValidationError({"status": "Choose a status from this council's vocabulary."})
    if percent_complete is not None and not 0 <= percent_complete <= 100:
        raise ValidationError({"percent_complete": "Enter a percentage from 0 to 100."})
    if percent_complete is None and status.default_percent is not None:
        percent_complete = status.default_percent
    reported_on = reported_on or timezone.localdate()
    if author_title is None:
        author_title = by.display_name() if by is not None else ""

    latest = action.updates.order_by("-reported_on", "-created_at").first()
    update = ProgressUpdate.objects.create(
        action=action,
        period=reporting_period_for(council, reported_on),
        reported_on=reported_on,
        author=by,
        author_title=author_title,
        status=status,
        percent_complete=percent_complete,
        commentary=commentary,
    )
    if latest is None or reported_on >= latest.reported_on:
        action.status = status
        action.status_commentary = commentary
        action.percent_complete = percent_complete
        action.last_updated = reported_on
        if by is not None:
            action._history_user = by
        action.save(
            update_fields=["status", "status_commentary", "percent_complete", "last_updated"]
        )
    return update
