"""Production settings: `check --deploy` passes, every page carries a strict CSP, /healthz
reports the database, logs are JSON, and PDFs find production's hashed static files."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.templatetags.static import static
from django.urls import reverse

from config.logging import JsonFormatter
from reports.rendering import BASE_URL, StaticOnlyFetcher

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "DATABASE_URL",
            "PYTEST_VERSION",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
        and not k.startswith(("SECURE_", "HSTS_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="k3y-" + "Zq9xW2vB7nR4tY6uI8oP1aS5dF3gH0jK" * 2,
        ALLOWED_HOSTS="plans.example.gov.uk",
        BEHIND_PROXY="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_development_keeps_plain_http():
    result = manage("diffsettings", "--all", DEBUG="1")
    assert "SECURE_SSL_REDIRECT = False" in result.stdout
    assert "SESSION_COOKIE_SECURE = False" in result.stdout


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    for url in ["/", reverse("actionplans:council-detail", args=["norwich"]), "/accounts/login/"]:
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.django_db
def test_health_reports_the_database(client, monkeypatch):
    response = client.get("/healthz")
    assert response.status_code == 200
    health = response.json()
    assert (health["status"], health["database"], health["cache"], health["storage"]) == (
        "ok",
        "ok",
        "ok",
        "ok",
    )
    assert health["worker"]["status"] == "ok"
    assert client.get("/livez").json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]

    def broken(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("config.health.connection.cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    health = response.json()
    assert (health["status"], health["database"]) == ("error", "unreachable")


def test_logs_are_one_json_object_per_line():
    record = logging.makeLogRecord(
        {
            "name": "reports",
            "levelname": "WARNING",
            "msg": "Build %s failed",
            "args": (7,),
            "build": 7,
        }
    )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "Build 7 failed" and entry["level"] == "WARNING"
    assert entry["build"] == 7 and entry["logger"] == "reports"


def test_pdfs_find_production_hashed_static_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    hashed = static("reports/appendix.css")
    assert hashed != "/static/reports/appendix.css" and hashed.endswith(".css")
    response = StaticOnlyFetcher().fetch(BASE_URL.rstrip("/") + hashed)
    assert b"@page" in response.read()
    with pytest.raises(ValueError):
        StaticOnlyFetcher().fetch(BASE_URL.rstrip("/") + "/static/../../config/settings.py")
