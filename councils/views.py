"""Account pages that need more than Django's own: password reset, throttled."""

from __future__ import annotations

import datetime
import hashlib

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.utils import timezone

from councils.models import ThrottleEvent

WINDOW = datetime.timedelta(hours=1)


def _digest(text: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{text}".encode()).hexdigest()


@transaction.atomic
def over_limit(scope: str, value: str, limit: int) -> bool:
    """Count one more request for `value` under `scope`; True if that makes more than
    `limit` within the last hour. Every request counts, refused ones too."""
    now = timezone.now()
    ThrottleEvent.objects.filter(created_at__lt=now - WINDOW).delete()
    key = _digest(value)
    ThrottleEvent.objects.create(scope=scope, key=key)
    return ThrottleEvent.objects.filter(scope=scope, key=key).count() > limit


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, limited per client address and per email address, so the
    form cannot be used to flood someone's inbox or to probe at speed. The answer never
    says whether an account has the address."""

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        client = get_client_ip_address(self.request) or "unknown"
        by_client = over_limit("password-reset-client", client, settings.PASSWORD_RESET_PER_CLIENT)
        by_email = over_limit("password-reset-email", email, settings.PASSWORD_RESET_PER_EMAIL)
        if by_client or by_email:
            form.add_error(
                "email",
                "Too many requests to reset a password have been made"
                f"{' from here' if by_client else ' for this email address'}. "
                "Wait an hour and try again, or ask your council's administrator.",
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)
