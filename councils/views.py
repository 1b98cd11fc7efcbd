"""Account pages that need more than Django's own (password reset, throttled), and the
accessibility statement and privacy notice, site-wide and in each council's own words."""

from __future__ import annotations

import datetime
import hashlib

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from councils.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from councils.models import Council, ThrottleEvent

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


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, limited per client address and per email address, so the
    form cannot be used to flood someone's inbox or to probe at speed. The answer never
    says whether an account has the address."""

    form_class = PasswordResetForm

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


# When the software's own statement and notice (templates/councils/) were written; a council
# that reviews its wording records its own date (Council.*_reviewed_on).
STATEMENTS_PREPARED_ON = datetime.date(2026, 12, 7)


def in_words(seconds: float) -> str:
    """A duration in the largest whole unit: '2 hours', '1 day', '52 weeks', '90 minutes'."""
    whole = int(seconds)
    units = (("week", 7 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))
    unit, length = next(((u, n) for u, n in units if whole >= n and whole % n == 0), ("second", 1))
    count = whole // length
    return f"{count} {unit}{'' if count == 1 else 's'}"


def _statement_context(council_slug: str | None) -> dict:
    """The council of a council's page (404 for an unknown slug), or the list of councils
    for the site-wide page, and the day the page was prepared."""
    if council_slug is None:
        return {
            "council": None,
            "councils": Council.objects.all(),
            "prepared_on": STATEMENTS_PREPARED_ON,
        }
    council = get_object_or_404(Council, slug=council_slug)
    return {"council": council, "prepared_on": STATEMENTS_PREPARED_ON}


def accessibility_statement(request, council_slug: str | None = None):
    context = _statement_context(council_slug)
    return render(request, "councils/accessibility_statement.html", context)


def privacy_notice(request, council_slug: str | None = None):
    """What the site stores about people, with the periods read from the settings in force."""
    context = _statement_context(council_slug) | {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "session_idle": in_words(settings.SESSION_COOKIE_AGE),
        "csrf_cookie_age": in_words(settings.CSRF_COOKIE_AGE),
        "sign_in_failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout": in_words(settings.AXES_COOLOFF_TIME.total_seconds()),
        "reset_window": in_words(WINDOW.total_seconds()),
    }
    return render(request, "councils/privacy_notice.html", context)
