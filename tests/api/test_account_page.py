"""Your account page: making a personal API token, seeing it once, listing and revoking."""

import logging
import re

import pytest
from django.urls import reverse

from api.models import MAX_LIVE_TOKENS, ApiToken
from councils.models import User

pytestmark = pytest.mark.django_db

ACCOUNT = "/account/"


@pytest.fixture
def person(client):
    user = User.objects.create_user("account-officer", password="pw", first_name="Ada")
    client.force_login(user)
    return user


def make(client, name: str = "Power BI refresh", can_write: bool = False):
    data = {"name": name}
    if can_write:
        data["can_write"] = "on"
    return client.post(reverse("api:token-create"), data)


def shown_token(html: str) -> str:
    return re.search(r'<code id="new-token">([^<]+)</code>', html).group(1)


def test_the_account_page_is_at_account_and_links_the_api_and_password(client, person):
    assert reverse("api:account") == ACCOUNT
    html = client.get(ACCOUNT).content.decode()
    assert '<h1 class="govuk-heading-l">Your account</h1>' in html
    assert "You have no API tokens." in html
    assert 'href="/api/"' in html
    assert reverse("password_change") in html
    assert "This token may record progress updates on actions I lead" in html


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for url in (ACCOUNT, reverse("api:token-create")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    assert client.post(reverse("api:token-create"), {"name": "x"}).status_code == 302
    assert not ApiToken.objects.exists()


def test_my_actions_links_the_account_page(client, person):
    html = client.get(reverse("actionplans:my-actions")).content.decode()
    assert f'href="{ACCOUNT}"' in html and "Your account and API tokens" in html


def test_a_new_token_is_shown_once_then_only_its_prefix(client, person):
    response = make(client, can_write=True)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    plaintext = shown_token(html)
    assert plaintext.startswith("cap_")
    assert "It will not be shown again" in html
    assert html.count("<h1") == 1

    token = ApiToken.objects.get(user=person)
    assert token.name == "Power BI refresh" and token.can_write
    assert ApiToken.authenticate_key(plaintext) == token
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert not any(plaintext in str(value) for value in row.values())

    listing = client.get(ACCOUNT).content.decode()
    assert plaintext not in listing
    assert f"cap_{token.prefix}" in listing
    assert "Power BI refresh" in listing
    assert "Never" in listing  # not used yet
    assert plaintext not in str(dict(client.session))


def test_read_only_is_the_default_and_shown(client, person):
    make(client, "Dashboard")
    assert not ApiToken.objects.get(user=person).can_write
    html = client.get(ACCOUNT).content.decode()
    row = re.search(r"<tbody.*?</tr>", html, re.S)
    assert "Dashboard" in row.group(0) and ">No<" in row.group(0)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter a name for the token"),
        ("   ", "Enter a name for the token"),
        ("x" * 101, "Name must be 100 characters or fewer"),
    ],
)
def test_a_token_needs_a_name_of_at_most_100_characters(client, person, name, message):
    response = make(client, name)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert "<title>Error: Your account" in html
    assert not ApiToken.objects.exists()


def test_two_live_tokens_may_not_share_a_name(client, person):
    make(client, "Script")
    response = make(client, "script")
    assert "You already have a token with this name" in response.content.decode()
    assert ApiToken.objects.filter(user=person).count() == 1


def test_the_21st_token_is_refused_with_a_message(client, person):
    for n in range(MAX_LIVE_TOKENS):
        ApiToken.issue(person, f"Tool {n}", can_write=False)
    response = make(client, "One too many")
    html = response.content.decode()
    assert "You already have 20 tokens, the most one person may have" in html
    assert "govuk-error-summary" in html
    assert ApiToken.objects.filter(user=person).count() == MAX_LIVE_TOKENS
    # A revoked token no longer counts.
    ApiToken.objects.filter(user=person).first().revoke()
    assert make(client, "One too many").status_code == 200
    assert ApiToken.objects.live().filter(user=person, name="One too many").exists()


def test_revoking_asks_first_then_the_token_stops_working(client, person):
    token, plaintext = ApiToken.issue(person, "Old script", can_write=True)
    url = reverse("api:token-revoke", args=[token.pk])
    listing = client.get(ACCOUNT).content.decode()
    assert url in listing
    confirm = client.get(url).content.decode()
    assert "Revoke “Old script”" in confirm
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == ACCOUNT
    html = response.content.decode()
    assert "Token “Old script” revoked" in html
    assert "cap_" + token.prefix not in html
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiToken.authenticate_key(plaintext) is None
    # Gone: its revoke page is not found either.
    assert client.get(url).status_code == 404


def test_another_persons_token_is_not_found(client, person):
    someone = User.objects.create_user("someone-else", password="pw")
    token, plaintext = ApiToken.issue(someone, "Their script", can_write=True)
    url = reverse("api:token-revoke", args=[token.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert "Their script" not in client.get(ACCOUNT).content.decode()


def test_odd_input_never_breaks_the_page(client, person):
    for data in ({}, {"name": "\x00"}, {"name": "<script>x</script>", "can_write": "maybe"}):
        assert client.post(reverse("api:token-create"), data).status_code == 200
    html = client.get(ACCOUNT).content.decode()
    assert "<script>x</script>" not in html
    assert client.get("/account/tokens/99999999999999999999/revoke/").status_code == 404
    assert client.get(reverse("api:token-create")).status_code == 302


def test_the_page_never_logs_the_token(client, person, caplog):
    caplog.set_level(logging.DEBUG)
    plaintext = shown_token(make(client, "Logged").content.decode())
    token = ApiToken.objects.get(user=person)
    client.post(reverse("api:token-revoke", args=[token.pk]))
    messages = [r.getMessage() for r in caplog.records if r.name == "api.tokens"]
    assert len(messages) == 2 and all(token.prefix in m for m in messages)
    assert plaintext not in caplog.text
