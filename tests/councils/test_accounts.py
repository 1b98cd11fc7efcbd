"""Signing in and out of trouble: password reset by email, password change, sign-in throttling
(django-axes) and idle sessions. Pages are checked for what a person sees and hears."""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axes.exceptions import AxesBackendRequestParameterRequired
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from councils.models import User

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
OLD_PASSWORD = "Original-password-1"
NEW_PASSWORD = "Brand-new-password-2"
RESET_LINK = re.compile(r"http://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def person(db) -> User:
    # The demo users have no email address, so they cannot reset a password by email.
    return User.objects.create_user(
        username="reset-officer",
        email="reset.officer@anytown.gov.uk",
        password=OLD_PASSWORD,
        job_title="Policy officer",
    )


def sign_in(client, username: str, password: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def signed_in_user(client):
    return client.get(reverse("actionplans:home")).context["user"]


def reset_link(client, mailoutbox, email: str) -> str:
    client.post(reverse("password_reset"), {"email": email})
    assert len(mailoutbox) == 1
    match = RESET_LINK.search(mailoutbox[0].body)
    assert match, mailoutbox[0].body
    return match.group(1)


def set_password_page(client, mailoutbox, email: str) -> str:
    """Follow the emailed link: Django swaps the token for "set-password" and redirects."""
    response = client.get(reset_link(client, mailoutbox, email))
    assert response.status_code == 302
    assert response.url.endswith("/set-password/")
    return response.url


# Password reset


def test_sign_in_page_links_to_password_reset(client):
    html = client.get(reverse("login")).content.decode()
    assert (
        f'<a class="govuk-link" href="{reverse("password_reset")}">Forgotten your password?</a>'
        in html
    )


def test_reset_form_asks_for_an_email_address(client):
    html = client.get(reverse("password_reset")).content.decode()
    assert "<title>Reset your password – Council action plans</title>" in html
    assert '<h1 class="govuk-heading-xl">Reset your password</h1>' in html
    assert '<label class="govuk-label" for="id_email">Email address</label>' in html
    assert re.search(
        r'<input [^>]*id="id_email" name="email" type="email"[^>]*autocomplete="email"', html
    )


def test_full_password_reset_journey(client, mailoutbox, person, settings):
    response = client.post(reverse("password_reset"), {"email": person.email}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [(reverse("password_reset_done"), 302)]
    assert '<h1 class="govuk-heading-xl">Check your email</h1>' in html

    (email,) = mailoutbox
    assert email.to == [person.email]
    assert email.subject == "Reset your Council action plans password"
    assert email.from_email == settings.DEFAULT_FROM_EMAIL
    assert "Your username is: reset-officer" in email.body
    assert "The link works once, and only for a limited time." in email.body
    assert email.body.rstrip().endswith("Council action plans")
    link = RESET_LINK.search(email.body).group(1)

    response = client.get(link)
    assert response.status_code == 302
    set_password_url = response.url
    html = client.get(set_password_url).content.decode()
    assert "<title>Choose a new password – Council action plans</title>" in html
    assert '<label class="govuk-label" for="id_new_password1">New password</label>' in html
    assert '<label class="govuk-label" for="id_new_password2">Confirm new password</label>' in html
    assert html.count('autocomplete="new-password"') == 2

    response = client.post(
        set_password_url,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    html = response.content.decode()
    assert response.redirect_chain == [(reverse("password_reset_complete"), 302)]
    assert '<h1 class="govuk-heading-xl">Your password has been changed</h1>' in html
    assert f'href="{reverse("login")}"' in html

    # The reset does not sign anyone in; the new password does, the old one no longer does.
    assert not signed_in_user(client).is_authenticated
    assert sign_in(client, person.username, OLD_PASSWORD).status_code == 200
    assert not signed_in_user(client).is_authenticated
    assert sign_in(client, person.username, NEW_PASSWORD).status_code == 302
    assert signed_in_user(client) == person

    # The link has done its job: used again, it says so.
    client.logout()
    response = client.get(link, follow=True)
    html = response.content.decode()
    assert "<title>This link has expired or been used – Council action plans</title>" in html
    assert '<h1 class="govuk-heading-xl">This link has expired or been used</h1>' in html
    assert f'href="{reverse("password_reset")}"' in html
    assert 'name="new_password1"' not in html


def test_a_made_up_reset_link_is_refused(client):
    url = reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "abc-123"})
    html = client.get(url).content.decode()
    assert '<h1 class="govuk-heading-xl">This link has expired or been used</h1>' in html
    assert "<form" not in html.split('id="main-content"')[1]


def test_unknown_email_looks_the_same_and_sends_nothing(client, mailoutbox, person):
    known = client.post(reverse("password_reset"), {"email": person.email}, follow=True)
    assert len(mailoutbox) == 1
    unknown = client.post(
        reverse("password_reset"), {"email": "nobody@anytown.gov.uk"}, follow=True
    )
    assert len(mailoutbox) == 1
    assert unknown.redirect_chain == known.redirect_chain
    assert unknown.content == known.content
    assert "Check your email" in unknown.content.decode()


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your email address"),
        ("not-an-address", "Enter your email address in the correct format, like name@example.com"),
    ],
)
def test_reset_form_errors(client, mailoutbox, email, message):
    response = client.post(reverse("password_reset"), {"email": email})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Reset your password" in html
    assert "There is a problem" in html
    assert f'<a href="#id_email">{message}' in html
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in html
    assert 'aria-describedby="id_email-error"' in html
    assert f'value="{email}"' in html
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        (NEW_PASSWORD, NEW_PASSWORD + "x", "The passwords do not match"),
        (
            "Qz7!kp2Lm",
            "Qz7!kp2Lm",
            "This password is too short. It must contain at least 10 characters.",
        ),
        ("", "", "Enter a new password"),
    ],
    ids=["mismatch", "too-short", "empty"],
)
def test_set_password_errors(client, mailoutbox, person, first, second, message):
    url = set_password_page(client, mailoutbox, person.email)
    response = client.post(url, {"new_password1": first, "new_password2": second})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Choose a new password" in html
    assert "There is a problem" in html
    assert re.search(rf'<a href="#id_new_password\d">{re.escape(message)}', html)
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in html
    assert "govuk-input--error" in html
    if first:
        assert first not in html  # passwords are never sent back
    person.refresh_from_db()
    assert person.check_password(OLD_PASSWORD)


def test_password_hint_states_the_configured_minimum_length(client, mailoutbox, person, settings):
    (minimum,) = [
        v["OPTIONS"]["min_length"]
        for v in settings.AUTH_PASSWORD_VALIDATORS
        if v["NAME"].endswith("MinimumLengthValidator")
    ]
    assert minimum == 10
    html = client.get(set_password_page(client, mailoutbox, person.email)).content.decode()
    assert f"Your password must be at least {minimum} characters long." in html
    assert 'aria-describedby="id_new_password1-hint"' in html


# Password change (signed in)


def test_password_change_needs_a_signed_in_user(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_signed_in_user_changes_their_password(client, person):
    client.force_login(person)
    html = client.get(reverse("password_change")).content.decode()
    assert "<title>Change your password – Council action plans</title>" in html
    assert '<label class="govuk-label" for="id_old_password">Current password</label>' in html
    assert 'autocomplete="current-password"' in html
    assert html.count('autocomplete="new-password"') == 2

    wrong = client.post(
        reverse("password_change"),
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    html = wrong.content.decode()
    assert "<title>Error: Change your password" in html
    assert '<a href="#id_old_password">Your current password is wrong' in html

    response = client.post(
        reverse("password_change"),
        {
            "old_password": OLD_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert response.redirect_chain == [(reverse("password_change_done"), 302)]
    assert '<h1 class="govuk-heading-xl">Your password has been changed</h1>' in (
        response.content.decode()
    )
    assert response.context["user"] == person  # still signed in here
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)


# Sign-in throttling


def fail_to_sign_in(client, username: str, times: int, **extra) -> list[int]:
    return [sign_in(client, username, "wrong-password", **extra).status_code for _ in range(times)]


def test_too_many_failures_lock_the_username_and_address(client, settings):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    assert fail_to_sign_in(client, "norwich-officer", limit - 1) == [200] * (limit - 1)
    assert sign_in(client, "norwich-officer", "wrong-password").status_code == 429

    response = sign_in(client, "norwich-officer", "demo-council-2015")
    html = response.content.decode()
    assert response.status_code == 429
    assert "<title>Too many attempts to sign in – Council action plans</title>" in html
    assert '<h1 class="govuk-heading-xl">Too many attempts to sign in</h1>' in html
    assert "You can try again in 1 hour." in html
    assert (
        f'<a class="govuk-link" href="{reverse("password_reset")}">reset your password</a>' in html
    )
    assert not signed_in_user(client).is_authenticated


def test_a_lockout_does_not_spread_to_colleagues_or_other_addresses(client):
    fail_to_sign_in(client, "norwich-officer", 5)
    # A colleague behind the same office address still gets in.
    assert sign_in(client, "norwich-councillor", "demo-council-2015").status_code == 302
    client.logout()
    # So does the locked-out officer, from somewhere else.
    assert (
        sign_in(client, "norwich-officer", "demo-council-2015", REMOTE_ADDR="10.1.2.3").status_code
        == 302
    )


def test_the_lockout_ends_after_an_hour(client):
    fail_to_sign_in(client, "norwich-officer", 5)
    assert sign_in(client, "norwich-officer", "demo-council-2015").status_code == 429
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1, minutes=1)
    assert AccessAttempt.objects.update(attempt_time=an_hour_ago) == 1
    assert sign_in(client, "norwich-officer", "demo-council-2015").status_code == 302


def test_trying_again_during_the_lockout_does_not_restart_the_hour(client):
    fail_to_sign_in(client, "norwich-officer", 5)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=59))
    assert sign_in(client, "norwich-officer", "demo-council-2015").status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=2))
    assert sign_in(client, "norwich-officer", "demo-council-2015").status_code == 302


def test_signing_in_clears_earlier_failures(client):
    fail_to_sign_in(client, "norwich-officer", 4)
    assert sign_in(client, "norwich-officer", "demo-council-2015").status_code == 302
    client.logout()
    assert fail_to_sign_in(client, "norwich-officer", 4) == [200] * 4


def test_test_client_login_needs_a_request_while_axes_is_on(client):
    # Why the suite signs people in with force_login: axes refuses to judge a sign-in
    # without the request it came in.
    with pytest.raises(AxesBackendRequestParameterRequired):
        client.login(username="norwich-officer", password="demo-council-2015")
    assert client.login(
        request=HttpRequest(), username="norwich-officer", password="demo-council-2015"
    )


# Sessions


def test_sessions_end_when_idle_or_when_the_browser_closes(settings):
    assert settings.SESSION_COOKIE_AGE == 7200
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_session_cookie_is_a_browser_session_cookie_kept_from_scripts(client):
    cookie = sign_in(client, "norwich-officer", "demo-council-2015").cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == "" and cookie["expires"] == ""


def test_each_request_restarts_the_idle_clock_and_an_idle_session_ends(client):
    sign_in(client, "norwich-officer", "demo-council-2015")
    key = client.cookies["sessionid"].value
    Session.objects.filter(pk=key).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=1)
    )
    assert signed_in_user(client).is_authenticated
    left = Session.objects.get(pk=key).expire_date - timezone.now()
    assert datetime.timedelta(minutes=119) < left <= datetime.timedelta(hours=2)

    Session.objects.filter(pk=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert not signed_in_user(client).is_authenticated


# Settings read from the environment


SHOW = (
    "import config.settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT,"
    " s.EMAIL_HOST_USER, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL, s.SESSION_COOKIE_AGE,"
    " s.AXES_FAILURE_LIMIT, sep='|')"
)


def load_settings(**env: str) -> list[str]:
    names = {
        "PYTEST_VERSION",
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "EMAIL_USE_TLS",
        "DEFAULT_FROM_EMAIL",
        "SESSION_IDLE_SECONDS",
        "AXES_FAILURE_LIMIT",
    }
    clean = {k: v for k, v in os.environ.items() if k not in names}
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env={**clean, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split("|")


def test_email_session_and_throttling_defaults():
    assert load_settings() == [
        "django.core.mail.backends.console.EmailBackend",
        "localhost",
        "587",
        "",
        "True",
        "Council action plans <no-reply@localhost>",
        "7200",
        "5",
    ]


def test_email_session_and_throttling_come_from_the_environment():
    assert load_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.anytown.gov.uk",
        EMAIL_PORT="25",
        EMAIL_HOST_USER="plans",
        EMAIL_USE_TLS="0",
        DEFAULT_FROM_EMAIL="Anytown plans <plans@anytown.gov.uk>",
        SESSION_IDLE_SECONDS="900",
        AXES_FAILURE_LIMIT="10",
    ) == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.anytown.gov.uk",
        "25",
        "plans",
        "False",
        "Anytown plans <plans@anytown.gov.uk>",
        "900",
        "10",
    ]


# Password-reset throttling


def test_password_reset_is_limited_per_email_address(client, mailoutbox, person, settings):
    """Three requests an hour for one address; the fourth says so and sends nothing, from
    any client. Another address is unaffected."""
    settings.PASSWORD_RESET_PER_EMAIL = 3
    url = reverse("password_reset")
    for number in range(3):
        response = client.post(url, {"email": person.email}, REMOTE_ADDR=f"198.51.100.{number}")
        assert response.status_code == 302
    assert len(mailoutbox) == 3
    response = client.post(url, {"email": person.email.upper()}, REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many requests to reset a password have been made for this email address" in html
    assert "<title>Error: Reset your password" in html
    assert len(mailoutbox) == 3
    # An address with no account is limited the same way, so the limit reveals nothing.
    for _ in range(3):
        assert client.post(url, {"email": "nobody@anytown.gov.uk"}).status_code == 302
    assert client.post(url, {"email": "nobody@anytown.gov.uk"}).status_code == 429


def test_password_reset_is_limited_per_client(client, mailoutbox, person, settings):
    settings.PASSWORD_RESET_PER_CLIENT = 5
    url = reverse("password_reset")
    for number in range(5):
        response = client.post(url, {"email": f"person{number}@anytown.gov.uk"})
        assert response.status_code == 302
    response = client.post(url, {"email": person.email})
    assert response.status_code == 429
    assert "have been made from here" in response.content.decode()
    assert mailoutbox == []
    # From another address the same person can still ask.
    response = client.post(url, {"email": person.email}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302 and len(mailoutbox) == 1


def test_the_limit_counts_the_last_hour_only_and_keeps_no_addresses(client, person, settings):
    from councils.models import ThrottleEvent

    settings.PASSWORD_RESET_PER_EMAIL = 1
    url = reverse("password_reset")
    assert client.post(url, {"email": person.email}).status_code == 302
    assert client.post(url, {"email": person.email}).status_code == 429
    assert not ThrottleEvent.objects.filter(key__icontains="anytown").exists()
    ThrottleEvent.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=61))
    assert client.post(url, {"email": person.email}).status_code == 302
