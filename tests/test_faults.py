"""Faults survived: Redis stopped and started again (a real redis-server started by the
test), the database not answering, object storage unreachable (an S3 endpoint nothing
listens on). A resident and an officer see pages, more slowly, or a plain 503 page in the
site's design; /healthz says which component is down."""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from config.settings import caches_for, file_storage
from councils.models import User
from reports.models import CommitteeReport
from reports.services import StorageFailed, publish_report
from tests.live import free_port
from tests.redis_server import RedisProcess
from tests.s3_server import bucket_env

pytestmark = pytest.mark.django_db

PLAN = "/councils/norwich/plans/lakenham-pilot-activity/"


# --- Redis -----------------------------------------------------------------------------------


@pytest.fixture
def redis_process(settings):
    server = RedisProcess()
    server.start()
    settings.CACHES = caches_for(server.url)
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.SESSION_CACHE_ALIAS = "sessions"
    settings.PUBLIC_CACHE_SECONDS = 300
    from django.core.cache import caches

    caches["default"].clear()
    yield server
    if server.process.poll() is None:
        server.stop()


def test_redis_stopped_and_started_again(redis_process, caplog):
    resident = Client()
    officer = Client()
    officer.force_login(User.objects.get(username="norwich-plan-manager"))
    assert resident.get(PLAN).status_code == 200
    assert officer.get("/my-actions/").status_code == 200
    assert any(key.startswith(b"pages:") for key in redis_process.stored())

    redis_process.stop()
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        for _ in range(3):
            page = resident.get(PLAN)
            assert page.status_code == 200 and b"Lakenham" in page.content
            mine = officer.get("/my-actions/")  # still signed in: the session is in the DB
            assert mine.status_code == 200 and b"Sign out" in mine.content
        health = resident.get("/healthz")
        assert health.status_code == 200
        assert (health.json()["status"], health.json()["cache"]) == ("degraded", "unreachable")
    said = [r.getMessage() for r in caplog.records if r.name == "config.cache"]
    assert len(said) == 1 and "did not answer" in said[0]  # logged once, not per call

    redis_process.start()  # on the same port, empty: caching resumes with no restart
    assert resident.get(PLAN).status_code == 200
    assert any(key.startswith(b"pages:") for key in redis_process.stored())
    assert officer.get("/my-actions/").status_code == 200
    assert resident.get("/healthz").json()["cache"] == "ok"


# --- the database ----------------------------------------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
def test_a_database_that_does_not_answer_gives_a_503_page(settings, monkeypatch, debug):
    settings.DEBUG = debug
    from django.db.backends.base.base import BaseDatabaseWrapper

    def refused(self, *args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refused)
    client = Client(raise_request_exception=False)
    for path in [PLAN, "/", "/councils/norwich/", "/healthz"]:
        response = client.get(path)
        assert response.status_code == 503, path
        if path != "/healthz":
            html = response.content.decode()
            assert "Service unavailable, try again shortly" in html
            assert 'class="govuk-template' in html  # the site's design
            assert "Traceback" not in html and "OperationalError" not in html
            assert response["Retry-After"] == "30"
    assert client.get("/healthz").json()["database"] == "unreachable"
    monkeypatch.undo()
    assert client.get(PLAN).status_code == 200  # back as soon as it answers


def test_the_503_page_is_served_for_errors_in_middleware_too(settings, monkeypatch):
    """A session read (SessionMiddleware, before any view) that cannot reach the database."""
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username="norwich-plan-manager"))

    def refused(self, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", refused)
    response = client.get("/my-actions/")
    assert response.status_code == 503
    assert "Service unavailable, try again shortly" in response.content.decode()


# --- object storage --------------------------------------------------------------------------


@pytest.fixture
def storage_away(settings, monkeypatch, tmp_path, s3_storage):
    """Papers published to a bucket; then the storage endpoint stops answering."""
    endpoint, bucket = s3_storage
    settings.MEDIA_ROOT = tmp_path / "media"
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    files = publish_report(report, by=None)
    dead = f"http://127.0.0.1:{free_port()}"
    env = bucket_env(dead, bucket)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    storage = file_storage(bucket, env)
    storage["OPTIONS"]["client_config"] = fast_failing()
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    return report, files


def fast_failing():
    from botocore.config import Config

    return Config(connect_timeout=0.5, read_timeout=1, retries={"max_attempts": 1})


def test_storage_unreachable(storage_away, client):
    report, files = storage_away
    # Dashboards keep working.
    assert client.get(PLAN).status_code == 200
    assert client.get("/councils/norwich/").status_code == 200
    # A paper cannot be fetched: a 503 page that says so, not a 500.
    response = Client(raise_request_exception=False).get(
        reverse("reports:paper-file", args=["norwich", report.pk, files[0].pk])
    )
    assert response.status_code == 503
    html = response.content.decode()
    assert "committee papers cannot be fetched" in html and "Traceback" not in html
    health = client.get("/healthz")
    assert health.status_code == 200
    assert (health.json()["status"], health.json()["storage"]) == ("degraded", "unreachable")
    # Publishing fails cleanly: no version 2, and the build says why.
    with pytest.raises(StorageFailed):
        publish_report(report, by=None)
    assert report.publications.count() == 1
    build = report.builds.latest("pk")
    assert build.storage_failed
