"""What the benchmarks share: their own Django set-up on a throwaway database, the council
they build, and generated action text that reads like a council's."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def setup_django(temp_prefix: str) -> str | None:
    """Set Django up for a benchmark. Settings are read from the environment when Django
    sets up, so all of this comes first. With DATABASE_URL unset, the database is a SQLite
    file in a temporary directory (returned), removed however the script ends: --help, a bad
    argument or a failed check included. The project's db.sqlite3 is never opened."""
    sys.path.insert(0, str(PROJECT_ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("DEBUG", "1")
    temp_dir = None
    if not os.environ.get("DATABASE_URL"):
        temp_dir = tempfile.mkdtemp(prefix=temp_prefix)
        atexit.register(shutil.rmtree, temp_dir, ignore_errors=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{temp_dir}/bench.sqlite3"

    import django

    django.setup()
    return temp_dir


def create_council(department_names: list[str]):
    """A council under a unique slug, with the benchmark's status vocabulary and departments:
    returns (tag, council, statuses, departments)."""
    from actionplans.loadgen import create_statuses
    from councils.models import Council, Department

    tag = uuid.uuid4().hex[:8]
    council = Council.objects.create(
        name=f"Benchmark Borough Council {tag}", slug=f"bench-{tag}", kind=Council.Kind.BOROUGH
    )
    statuses = create_statuses(council)
    departments = Department.objects.bulk_create(
        [Department(council=council, name=name) for name in department_names]
    )
    return tag, council, statuses, departments


def stop(process) -> None:
    """Stop a process started in a session of its own, and everything it started."""
    import signal
    import subprocess

    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def database_label() -> str:
    """The database the figures were measured on, with its version."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
    return connection.display_name


# A step quicker than this in all is run again until it has taken this long (or MAX_RUNS).
MIN_SECONDS = 1.0
MAX_RUNS = 100

# The text pools live with the load generator, so the benchmarks and generate_load share them.
sys.path.insert(0, str(PROJECT_ROOT))
from actionplans.loadgen import (  # noqa: E402
    DEADLINES,
    DEPARTMENTS,
    HEADINGS,
    NOTES,
    OBJECTS,
    QUALIFIERS,
    VERBS,
    VOCABULARY,
    action_text,
)

__all__ = [
    "DEADLINES",
    "DEPARTMENTS",
    "HEADINGS",
    "NOTES",
    "OBJECTS",
    "QUALIFIERS",
    "VERBS",
    "VOCABULARY",
    "action_text",
]
