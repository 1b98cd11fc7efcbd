"""Email addresses that follow a public plan or a ward, and the confirmation emails sent to
them. An address is kept only to send what it asked for, and deleted on unsubscribe."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# An unconfirmed request is deleted after this long (the daily command does it).
CONFIRM_WITHIN = datetime.timedelta(days=7)
# A digest goes at most this often to one subscription.
DIGEST_EVERY = datetime.timedelta(days=7)
ONE_DAY = datetime.timedelta(days=1)
# Confirmation emails (and "you already follow this" notices) one address may be sent in
# CONFIRMATION_WINDOW, whatever it asks to follow: the form cannot flood an inbox.
CONFIRMATIONS_PER_ADDRESS = 3
CONFIRMATION_WINDOW = datetime.timedelta(days=1)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def address_key(email: str) -> str:
    """A one-way code of the address, for counting emails sent to it without keeping it."""
    return hmac.new(settings.SECRET_KEY.encode(), email.encode(), hashlib.sha256).hexdigest()


class EmailFollowQuerySet(models.QuerySet):
    def confirmed(self) -> EmailFollowQuerySet:
        return self.exclude(confirmed_at=None)

    def expired(self, now: datetime.datetime) -> EmailFollowQuerySet:
        """Requests never confirmed within CONFIRM_WITHIN of the last time they were made."""
        return self.filter(confirmed_at=None, requested_at__lt=now - CONFIRM_WITHIN)

    def due(self, now: datetime.datetime) -> EmailFollowQuerySet:
        """Confirmed subscriptions whose last digest, or whose confirmation if none has been
        sent yet, was DIGEST_EVERY or more days ago, counted in days: a daily run that
        starts a few seconds earlier than last week's still sends on the seventh day."""
        today = timezone.localdate(now)
        cutoff = timezone.make_aware(
            datetime.datetime.combine(today - DIGEST_EVERY + ONE_DAY, datetime.time.min)
        )
        return self.confirmed().filter(
            Q(last_sent_at__lt=cutoff) | Q(last_sent_at=None, confirmed_at__lt=cutoff)
        )


class EmailFollow(models.Model):
    """One email address following one public plan or one ward (exactly one of them). It
    gets a weekly digest once confirmed; the token in every link it is sent lets its owner
    confirm or unsubscribe without an account."""

    email = models.EmailField(max_length=254)
    plan = models.ForeignKey(
        "actionplans.Plan", models.CASCADE, null=True, blank=True, related_name="email_follows"
    )
    ward = models.ForeignKey(
        "councils.Ward", models.CASCADE, null=True, blank=True, related_name="email_follows"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    requested_at = models.DateTimeField(
        default=timezone.now, help_text="When it was last asked for; unconfirmed, it expires."
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    objects = EmailFollowQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False, ward__isnull=True)
                | Q(plan__isnull=True, ward__isnull=False),
                name="email_follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["email", "plan"], condition=Q(plan__isnull=False), name="one_email_per_plan"
            ),
            models.UniqueConstraint(
                fields=["email", "ward"], condition=Q(ward__isnull=False), name="one_email_per_ward"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} follows {self.target}"

    @property
    def target(self):
        return self.plan if self.plan_id else self.ward

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def has_expired(self, now: datetime.datetime) -> bool:
        """Never confirmed, and asked for too long ago (as EmailFollow.objects.expired)."""
        return not self.is_confirmed and self.requested_at < now - CONFIRM_WITHIN


class ConfirmationSent(models.Model):
    """One confirmation email sent, counted against its address (a one-way code, never the
    address) for CONFIRMATION_WINDOW, then deleted."""

    address_key = models.CharField(max_length=64)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["address_key", "sent_at"])]

    def __str__(self) -> str:
        return f"Confirmation sent at {self.sent_at:%Y-%m-%d %H:%M}"
