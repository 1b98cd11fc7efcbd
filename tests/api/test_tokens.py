"""Personal API tokens as a tool sees them: signing in with `Authorization: Bearer`, what a
read-only token may not do, when the last use is written, and how often a token may call.

The API's own views are tested elsewhere; these use a throwaway view with the token classes."""

import datetime
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from api.models import ApiToken, hash_key
from api.tokens import (
    AnonymousRateThrottle,
    TokenAuthentication,
    TokenMayWrite,
    TokenRateThrottle,
)
from councils.models import User

pytestmark = pytest.mark.django_db

factory = APIRequestFactory()


class Echo(APIView):
    """Says who the request signed in as; POST stands for any write."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated, TokenMayWrite]
    throttle_classes = [TokenRateThrottle, AnonymousRateThrottle]
    renderer_classes = [JSONRenderer]

    def get(self, request):
        return Response({"user": request.user.username})

    def post(self, request):
        return Response({"written": True})


class OpenEcho(Echo):
    """The same, open to signed-out callers (like the open-data endpoints)."""

    permission_classes = [TokenMayWrite]


def call(method: str = "get", header: str | None = None, view=Echo, **extra):
    if header is not None:
        extra["HTTP_AUTHORIZATION"] = header
    request = getattr(factory, method)("/api/echo/", format="json", **extra)
    response = view.as_view()(request)
    response.render()
    return response


@pytest.fixture
def officer(db):
    return User.objects.create_user("token-officer", password="pw")


def test_a_token_is_recognisable_and_only_its_hash_is_kept(officer):
    token, plaintext = ApiToken.issue(officer, "Power BI refresh", can_write=False)
    assert plaintext.startswith("cap_") and len(plaintext) > 40
    assert token.prefix == plaintext[4:12]
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert row["key_hash"] == hash_key(plaintext)
    assert not any(plaintext in str(value) for value in row.values())
    # Two tokens are never alike.
    assert ApiToken.issue(officer, "Another", can_write=False)[1] != plaintext


def test_bearer_token_signs_in_as_its_owner(officer):
    token, plaintext = ApiToken.issue(officer, "Script", can_write=False)
    response = call(header=f"Bearer {plaintext}")
    assert response.status_code == 200
    assert response.data == {"user": "token-officer"}
    assert call(header=f"Token {plaintext}").data == {"user": "token-officer"}
    assert call(header=f"bearer {plaintext}").status_code == 200


def test_authenticate_returns_the_user_and_the_token(officer):
    token, plaintext = ApiToken.issue(officer, "Script", can_write=True)
    request = APIView().initialize_request(
        factory.get("/", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    )
    assert TokenAuthentication().authenticate(request) == (officer, token)


def test_no_header_is_anonymous_not_an_error(officer):
    request = APIView().initialize_request(factory.get("/"))
    assert TokenAuthentication().authenticate(request) is None
    # Someone else's scheme is left for another authentication class.
    request = APIView().initialize_request(factory.get("/", HTTP_AUTHORIZATION="Basic eDp5"))
    assert TokenAuthentication().authenticate(request) is None
    response = call()
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert call(view=OpenEcho).data == {"user": ""}


@pytest.mark.parametrize(
    "header",
    [
        "Bearer cap_not-a-token-we-made",
        "Bearer garbage",
        "Bearer " + "x" * 5000,
        "Bearer",
        "Bearer two words",
        "Token cap_\u00e9t\u00e9",
    ],
)
def test_a_wrong_token_is_refused_with_401(officer, header):
    ApiToken.issue(officer, "Script", can_write=True)
    response = call(header=header, view=OpenEcho)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "token" in response.data["detail"].lower()


def test_a_revoked_token_is_refused(officer):
    token, plaintext = ApiToken.issue(officer, "Script", can_write=True)
    token.revoke()
    response = call(header=f"Bearer {plaintext}", view=OpenEcho)
    assert response.status_code == 401
    assert response.data["detail"] == "This API token is not valid or has been revoked."
    assert ApiToken.authenticate_key(plaintext) is None


def test_a_token_of_someone_who_may_no_longer_sign_in_is_refused(officer):
    token, plaintext = ApiToken.issue(officer, "Script", can_write=True)
    officer.is_active = False
    officer.save()
    assert call(header=f"Bearer {plaintext}").status_code == 401


def test_read_only_token_may_read_but_not_write(officer):
    _, plaintext = ApiToken.issue(officer, "Report", can_write=False)
    assert call(header=f"Bearer {plaintext}").status_code == 200
    response = call("post", header=f"Bearer {plaintext}")
    assert response.status_code == 403
    assert response.data["detail"] == (
        "This token is read-only: make a token that may record updates on your account page."
    )
    for method in ("put", "patch", "delete"):
        assert call(method, header=f"Bearer {plaintext}").status_code in (403, 405)


def test_write_token_may_write(officer):
    _, plaintext = ApiToken.issue(officer, "Updates", can_write=True)
    response = call("post", header=f"Bearer {plaintext}")
    assert response.status_code == 200
    assert response.data == {"written": True}


def test_a_superusers_read_only_token_is_read_only_too(db):
    root = User.objects.create_user("token-root", password="pw", is_superuser=True)
    _, plaintext = ApiToken.issue(root, "Report", can_write=False)
    assert call("post", header=f"Bearer {plaintext}").status_code == 403


def test_a_request_without_a_token_is_left_to_the_other_permissions(officer):
    request = factory.post("/api/echo/")
    request.user = officer
    request.auth = None
    assert TokenMayWrite().has_permission(request, None)


def test_last_use_is_written_at_most_once_a_minute(officer, monkeypatch):
    token, plaintext = ApiToken.issue(officer, "Script", can_write=False)
    start = timezone.now()
    clock = {"now": start}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])

    def writes() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert call(header=f"Bearer {plaintext}").status_code == 200
        return sum(q["sql"].startswith("UPDATE") for q in queries.captured_queries)

    assert writes() == 1
    token.refresh_from_db()
    assert token.last_used_at == start

    clock["now"] = start + datetime.timedelta(seconds=59)
    assert writes() == 0
    token.refresh_from_db()
    assert token.last_used_at == start

    clock["now"] = start + datetime.timedelta(seconds=61)
    assert writes() == 1
    token.refresh_from_db()
    assert token.last_used_at == start + datetime.timedelta(seconds=61)


@pytest.fixture
def own_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "api-token-throttle-tests",
        }
    }
    from django.core.cache import cache

    cache.clear()


def test_a_token_is_throttled_after_its_rate(officer, settings, own_cache):
    settings.API_TOKEN_RATE = "2/minute"
    _, first = ApiToken.issue(officer, "Busy script", can_write=False)
    _, second = ApiToken.issue(officer, "Quiet script", can_write=False)
    assert [call(header=f"Bearer {first}").status_code for _ in range(3)] == [200, 200, 429]
    assert int(call(header=f"Bearer {first}")["Retry-After"]) > 0
    # Each token counts on its own.
    assert call(header=f"Bearer {second}").status_code == 200


def test_signed_out_callers_are_throttled_by_address(officer, settings, own_cache):
    settings.API_ANON_RATE = "2/minute"
    settings.PROXY_COUNT = 0
    here = {"REMOTE_ADDR": "192.0.2.1"}
    assert [call(view=OpenEcho, **here).status_code for _ in range(2)] == [200, 200]
    # A made-up X-Forwarded-For does not make a new caller of the same address.
    assert call(view=OpenEcho, HTTP_X_FORWARDED_FOR="203.0.113.9", **here).status_code == 429
    assert call(view=OpenEcho, REMOTE_ADDR="192.0.2.2").status_code == 200
    # A token's calls are not counted against the address.
    _, plaintext = ApiToken.issue(officer, "Script", can_write=False)
    assert call(view=OpenEcho, header=f"Bearer {plaintext}", **here).status_code == 200


def test_behind_proxies_the_forwarded_address_is_counted(settings, own_cache, db):
    settings.API_ANON_RATE = "1/minute"
    settings.PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    assert call(view=OpenEcho, HTTP_X_FORWARDED_FOR="192.0.2.1", **proxy).status_code == 200
    assert call(view=OpenEcho, HTTP_X_FORWARDED_FOR="192.0.2.2", **proxy).status_code == 200
    assert call(view=OpenEcho, HTTP_X_FORWARDED_FOR="192.0.2.1", **proxy).status_code == 429


def test_tokens_are_logged_by_prefix_never_in_full(officer, caplog):
    caplog.set_level(logging.INFO, logger="api.tokens")
    token, plaintext = ApiToken.issue(officer, "Script", can_write=True)
    call(header=f"Bearer {plaintext}")
    call(header=f"Bearer {plaintext}x")
    token.revoke()
    logged = [r for r in caplog.records if r.name == "api.tokens"]
    assert [r.getMessage().split(":")[0] for r in logged] == [
        "API token made",
        "API token revoked",
    ]
    assert all(token.prefix in r.getMessage() for r in logged)
    assert all(f"user {officer.pk}" in r.getMessage() for r in logged)
    assert plaintext not in caplog.text


def test_the_schema_documents_bearer_tokens():
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    extension = OpenApiAuthenticationExtension.get_match(TokenAuthentication())
    assert extension is not None and extension.name == "token"
    definition = extension.get_security_definition(None)
    assert definition["type"] == "http" and definition["scheme"] == "bearer"
