"""Personal API tokens: what a person's own tools (a Power BI refresh, a script) sign in with.

Only a SHA-256 hash of each token is kept. A token is 32 random bytes, so a fast hash is
enough: nobody can guess their way back from it, and looking a token up by its hash compares
no secrets in Python, so there is no timing to measure."""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

logger = logging.getLogger("api.tokens")

# Every token starts so; a person (or a secret scanner) can tell one at a glance.
START = "cap_"
# How many live tokens one person may have.
MAX_LIVE_TOKENS = 20
USE_RECORDED_EVERY = datetime.timedelta(minutes=1)


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def live(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text='What it is for, e.g. "Power BI refresh".')
    prefix = models.CharField(
        max_length=8, help_text="The first characters after cap_, to tell tokens apart."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    can_write = models.BooleanField(
        "may record updates",
        default=False,
        help_text="A read-only token may not record progress updates.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({START}{self.prefix}…)"

    @classmethod
    def issue(cls, user, name: str, can_write: bool) -> tuple[ApiToken, str]:
        """A new token for `user`, and its plaintext: the only time anyone sees it."""
        plaintext = START + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=plaintext[len(START) : len(START) + 8],
            key_hash=hash_key(plaintext),
            can_write=can_write,
        )
        # Who made which token, never the token itself.
        logger.info(
            "API token made: user %s, token %s, may write %s", user.pk, token.prefix, can_write
        )
        return token, plaintext

    @classmethod
    def authenticate_key(cls, plaintext: str) -> ApiToken | None:
        """The live token of an active person that `plaintext` is, or None."""
        if not plaintext.startswith(START):
            return None
        return (
            cls.objects.live()
            .filter(key_hash=hash_key(plaintext), user__is_active=True)
            .select_related("user")
            .first()
        )

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
            logger.info("API token revoked: user %s, token %s", self.user_id, self.prefix)

    def mark_used(self) -> None:
        """Note that the token was used now, writing at most once a minute: a tool that
        calls every second should not make a write of every read."""
        now = timezone.now()
        if self.last_used_at is not None and now - self.last_used_at < USE_RECORDED_EVERY:
            return
        ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
        self.last_used_at = now
