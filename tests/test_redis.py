"""REDIS_URL: the page cache and sessions in Django's own RedisCache, against the Redis server
on this machine (127.0.0.1:6379; .ci/run starts it if it is down)."""

import os

import pytest
from django.core.cache import caches
from django.test import override_settings

from actionplans.models import Action
from config.settings import caches_for
from tests.redis_server import redis_server

pytestmark = pytest.mark.django_db

# A database of its own on the server, emptied before and after: nothing else's keys.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PLAN = "/councils/norwich/plans/reducing-inequalities-2015-16/"


@pytest.fixture
def redis_db():
    server = redis_server(REDIS_URL)
    yield server
    server.flushdb()
    server.close()


@pytest.fixture
def with_redis(redis_db, settings):
    settings.PUBLIC_CACHE_SECONDS = 300
    with override_settings(
        CACHES=caches_for(REDIS_URL),
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
        SESSION_CACHE_ALIAS="sessions",
    ):
        yield redis_db


def test_without_redis_each_process_keeps_its_own_cache():
    assert caches_for("") == {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 500},
        }
    }
    configured = caches_for("redis://cache.internal:6379/0")
    assert {alias: c["BACKEND"] for alias, c in configured.items()} == {
        "default": "config.cache.ForgivingRedisCache",  # Django's RedisCache, errors as misses
        "sessions": "config.cache.ForgivingRedisCache",
    }
    assert configured["default"]["LOCATION"] == "redis://cache.internal:6379/0"
    assert configured["default"]["KEY_PREFIX"] != configured["sessions"]["KEY_PREFIX"]


def keys(server, prefix: str) -> list[str]:
    return [key.decode() for key in server.keys(f"{prefix}:*")]


def test_public_pages_are_kept_in_redis_and_fresh_after_a_change(client, with_redis):
    server = with_redis
    first = client.get(PLAN)
    assert first.status_code == 200 and first["X-Cache"] == "miss"
    assert any("public-page" in key for key in keys(server, "pages"))
    assert any("plan-body" in key for key in keys(server, "pages"))
    again = client.get(PLAN)
    assert again["X-Cache"] == "hit" and again.content == first.content
    # Another process would see the same: Django's cache object reads from the server.
    caches.close_all()
    assert client.get(PLAN)["X-Cache"] == "hit"
    # A change raises the council's version: the page is drawn afresh and shows it.
    action = Action.objects.get(title="Promote food growing")
    action.title = "Promote community food growing"
    action.save()
    fresh = client.get(PLAN)
    assert fresh["X-Cache"] == "miss"
    assert "Promote community food growing" in fresh.content.decode()


def test_sessions_live_in_redis_where_every_server_reads_them(client, with_redis):
    server = with_redis
    client.post(
        "/accounts/login/", {"username": "norwich-officer", "password": "demo-council-2015"}
    )
    assert keys(server, "sessions"), "the session is stored in Redis"
    assert client.get("/my-actions/").status_code == 200
    # Connections dropped, as by a restart or another server: the session is read again.
    caches.close_all()
    page = client.get("/my-actions/")
    assert page.status_code == 200 and "Sign out" in page.content.decode()
    client.post("/accounts/logout/")
    assert not keys(server, "sessions")
