"""The settings refuse an unsafe production start and read the database from DATABASE_URL."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


SHOW_SETTINGS = (
    "import config.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.ALLOWED_HOSTS)"
)


def load_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "PYTEST_VERSION"}
    }
    return subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = load_settings(SECRET_KEY="x" * 50)
    assert result.returncode == 0
    assert result.stdout.startswith("False django.db.backends.sqlite3")


def test_development_needs_nothing_set():
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True django.db.backends.sqlite3")


def test_database_url_selects_postgresql_and_hosts_are_read():
    result = load_settings(
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://user@db.example:5432/plans",
        ALLOWED_HOSTS="plans.example.gov.uk, www.plans.example.gov.uk",
    )
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.postgresql" in result.stdout
    assert "['plans.example.gov.uk', 'www.plans.example.gov.uk']" in result.stdout
