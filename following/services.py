"""Following by email: asking, confirming, unsubscribing, the weekly digest and the daily
tidy-up. Each writes in one transaction; the views and the command call these."""

from __future__ import annotations

import datetime
import enum

from django.db import transaction
from django.utils import timezone

from actionplans.models import Plan
from councils.models import Ward
from following import emails
from following.changes import Changes, changes_for_plan, changes_for_ward
from following.models import (
    CONFIRMATION_WINDOW,
    CONFIRMATIONS_PER_ADDRESS,
    ConfirmationSent,
    EmailFollow,
    address_key,
)


class Outcome(enum.Enum):
    # The same answer whether the address was new, waiting or already confirmed: the form
    # does not tell anyone which addresses follow what.
    CHECK_EMAIL = "check-email"
    # Signed in, with their own account's address: confirmed at once.
    CONFIRMED = "confirmed"


def normalise(email: str) -> str:
    return email.strip().lower()


@transaction.atomic
def request_follow(email: str, *, plan: Plan | None = None, ward: Ward | None = None, user=None):
    """Ask for `email` to follow the plan or the ward. A signed-in person giving their own
    account's address is confirmed at once. Anyone else is sent a link to confirm (or, if
    the address already follows it, a note saying so), at most CONFIRMATIONS_PER_ADDRESS
    emails an address a day, whatever it asks to follow."""
    email = normalise(email)
    now = timezone.now()
    follow, _ = EmailFollow.objects.get_or_create(email=email, plan=plan, ward=ward)
    own = bool(user and user.is_authenticated and user.email and normalise(user.email) == email)
    if own:
        if not follow.is_confirmed:
            follow.confirmed_at = now
            follow.save(update_fields=["confirmed_at"])
        return Outcome.CONFIRMED
    if not follow.is_confirmed:
        follow.requested_at = now  # the link works for a week from the latest request
        follow.save(update_fields=["requested_at"])
    if _may_email(email, now):
        if follow.is_confirmed:
            emails.send_already_following(follow)
        else:
            emails.send_confirmation(follow)
    return Outcome.CHECK_EMAIL


def _may_email(email: str, now: datetime.datetime) -> bool:
    """Count one more confirmation email to this address, unless it has had its day's."""
    key = address_key(email)
    recent = ConfirmationSent.objects.filter(address_key=key, sent_at__gt=now - CONFIRMATION_WINDOW)
    if recent.count() >= CONFIRMATIONS_PER_ADDRESS:
        return False
    ConfirmationSent.objects.create(address_key=key, sent_at=now)
    return True


def pending(token: str, now: datetime.datetime | None = None) -> EmailFollow | None:
    """The subscription this link is for, unless it has expired unconfirmed."""
    follow = (
        EmailFollow.objects.filter(token=token)
        .select_related("plan__council", "ward__council")
        .first()
    )
    if follow is None:
        return None
    if follow.has_expired(now or timezone.now()):
        return None
    return follow


@transaction.atomic
def confirm(follow: EmailFollow) -> None:
    """Start sending digests to this subscription: its first comes a week from now."""
    EmailFollow.objects.filter(pk=follow.pk, confirmed_at=None).update(confirmed_at=timezone.now())


def unsubscribe(token: str) -> bool:
    """Delete the subscription (the address with it). False if there was none."""
    deleted, _ = EmailFollow.objects.filter(token=token).delete()
    return bool(deleted)


def changes_for(follow: EmailFollow, since, until) -> Changes:
    if follow.plan_id:
        return changes_for_plan(follow.plan, since, until)
    return changes_for_ward(follow.ward, since, until)


def send_digest(follow_id: int, now: datetime.datetime) -> bool:
    """Email one subscription what was published since its last digest (or since it was
    confirmed), if it is due one (EmailFollow.objects.due) and anything was. The email and
    last_sent_at go together: a failure to send leaves it due, and a second run the same
    day finds it not due. True if an email was sent."""
    with transaction.atomic():
        follow = (
            # Only the subscription's row is locked: PostgreSQL cannot lock the plan or ward
            # joined to it, which may be missing (an outer join).
            EmailFollow.objects.select_for_update(of=("self",))
            .due(now)
            .filter(pk=follow_id)
            .select_related("plan__council", "ward__council")
            .first()
        )
        if follow is None:
            return False
        changes = changes_for(follow, follow.last_sent_at or follow.confirmed_at, now)
        if not changes:
            return False
        emails.send_digest(follow, changes)
        follow.last_sent_at = now
        follow.save(update_fields=["last_sent_at"])
    return True


@transaction.atomic
def tidy(now: datetime.datetime) -> tuple[int, int]:
    """Delete requests never confirmed in time, and counts of confirmation emails older
    than their window. Returns how many of each."""
    expired, _ = EmailFollow.objects.expired(now).delete()
    counts, _ = ConfirmationSent.objects.filter(sent_at__lte=now - CONFIRMATION_WINDOW).delete()
    return expired, counts
