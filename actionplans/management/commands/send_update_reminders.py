"""Email each officer the actions whose quarterly update is still missing. Run it daily
(cron or a scheduler): while an update window is open, anyone who leads an action without
an update for the quarter gets one email a day listing them all; once the window has closed
and the update is overdue, a reminder every `overdue_reminder_days` (a week unless the
council says otherwise), copied to the council's plan managers from `escalate_after_days`
(two weeks) after the window closed. Reruns the same day send nothing more.

The work for one person is remind(); the command only chooses who and prints what happened,
so tests call remind() directly."""

from __future__ import annotations

import datetime
import smtplib

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone

from actionplans.dashboards import MissingUpdate, missing_updates
from actionplans.emails import count_actions, send_update_reminder
from actionplans.models import Action, ReminderLog
from councils.models import Membership, User


def outstanding(user, today: datetime.date) -> list[MissingUpdate]:
    """The actions this person leads that still need an update on `today`."""
    return missing_updates(Action.objects.led_by(user), today)


def remind(user, today: datetime.date, *, dry_run: bool = False) -> int:
    """Send `user` one reminder listing their actions with a missing update, if one is due
    today: daily while any update window is open for them, otherwise (updates overdue only)
    when their council's interval since the last reminder has passed. Returns the number of
    actions the reminder lists (or would list, with dry_run), 0 if nothing was sent. The log
    row and the email go together: if sending fails the log is rolled back, so the next run
    tries again. Mail errors propagate."""
    if not user.email:
        return 0
    missing = outstanding(user, today)
    if not missing:
        return 0
    last = ReminderLog.objects.filter(user=user).order_by("-sent_on").first()
    if last is not None and last.sent_on >= today:
        return 0
    if all(item.is_overdue for item in missing) and last is not None:
        interval = min(item.action.plan.council.overdue_reminder_days for item in missing)
        if (today - last.sent_on).days < interval:
            return 0
    if dry_run:
        return len(missing)
    try:
        with transaction.atomic():
            ReminderLog.objects.create(user=user, sent_on=today, action_count=len(missing))
            send_update_reminder(user, missing, today=today, copy_to=escalation(missing, today))
    except IntegrityError:
        return 0  # another run reminded them a moment ago
    return len(missing)


def escalation(missing: list[MissingUpdate], today: datetime.date) -> list[str]:
    """The plan managers' addresses a reminder is copied to: those of each council with an
    update overdue for at least its `escalate_after_days` after the window closed."""
    councils = {
        item.action.plan.council_id
        for item in missing
        if item.is_overdue
        and (today - item.due).days >= item.action.plan.council.escalate_after_days
    }
    if not councils:
        return []
    managers = User.objects.filter(
        is_active=True,
        memberships__council__in=councils,
        memberships__role=Membership.Role.PLAN_MANAGER,
    ).exclude(email="")
    return sorted(set(managers.values_list("email", flat=True)))


def describe(user) -> str:
    """Username and job title only: never a person's name in logs or cron mail."""
    return f"{user.username} ({user.job_title})" if user.job_title else user.username


class Command(BaseCommand):
    help = "Email officers the actions whose quarterly progress update is due and missing."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say who would be reminded; send nothing and record nothing.",
        )
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="Act as if today were this date (YYYY-MM-DD). Default: today.",
        )

    def handle(self, *args, **options) -> None:
        today = options["date"] or timezone.localdate()
        dry_run = options["dry_run"]
        verb = "Would remind" if dry_run else "Reminded"
        officers = (
            User.objects.filter(is_active=True, memberships__role=Membership.Role.OFFICER)
            .distinct()
            .order_by("username")
        )
        people = actions = failures = 0
        for user in officers:
            if not user.email:
                n = len(outstanding(user, today))
                if n:
                    self.stdout.write(f"No email address for {user.username}: {count_actions(n)}")
                continue
            try:
                n = remind(user, today, dry_run=dry_run)
            except (smtplib.SMTPException, OSError) as exc:
                # The address may be in the error text: name the error only.
                failures += 1
                self.stderr.write(f"Could not email {describe(user)}: {type(exc).__name__}")
                continue
            if n:
                people += 1
                actions += n
                self.stdout.write(f"{verb} {describe(user)}: {count_actions(n)}")
        noun = "person" if people == 1 else "people"
        self.stdout.write(
            f"{verb} {people} {noun} about {count_actions(actions)} due for update "
            f"on {today:%d/%m/%Y}."
        )
        if failures:
            raise CommandError(f"{failures} reminder(s) could not be sent; rerun to retry.")
