"""What the benchmarks share: their own Django set-up on a throwaway database, the council
they build, and generated action text that reads like a council's."""

from __future__ import annotations

import atexit
import os
import random
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
    from councils.models import Council, Department, Status

    tag = uuid.uuid4().hex[:8]
    council = Council.objects.create(
        name=f"Benchmark Borough Council {tag}", slug=f"bench-{tag}", kind=Council.Kind.BOROUGH
    )
    statuses = []
    for order, (label, rag, started, complete) in enumerate(VOCABULARY):
        status = Status(
            council=council,
            label=label,
            rag=rag,
            is_started=started,
            is_complete=complete,
            order=order,
            default_percent=100 if complete else None,
        )
        status.save()  # save() keeps the complete/closed/started flags consistent
        statuses.append(status)
    departments = Department.objects.bulk_create(
        [Department(council=council, name=name) for name in department_names]
    )
    return tag, council, statuses, departments


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


VOCABULARY = [  # label, RAG colour, started, complete: as in tests/conftest.py
    ("Not started", "grey", False, False),
    ("On track", "green", True, False),
    ("Delayed", "amber", True, False),
    ("Off track", "red", True, False),
    ("Complete", "blue", True, True),
]
DEPARTMENTS = [
    "Housing",
    "Strategy",
    "Planning",
    "Public Health",
    "Community Safety",
    "Environmental Services",
    "Economic Development",
    "Finance",
    "Human Resources",
    "Customer Services",
]
VERBS = [
    "Develop and publish",
    "Review and update",
    "Deliver",
    "Work with partners to deliver",
    "Introduce",
    "Extend",
    "Commission",
    "Consult residents on",
    "Implement",
    "Monitor the take-up of",
    "Promote",
    "Agree and adopt",
]
OBJECTS = [
    "a housing strategy for older and disabled residents",
    "the council's equality impact assessment process",
    "a programme of free health checks for people over 40",
    "the local plan's policies on affordable housing",
    "targeted support for households at risk of homelessness",
    "the community safety partnership's hate crime reporting scheme",
    "an apprenticeship scheme for young people not in education or employment",
    "the customer contact centre's opening hours and channels",
    "energy efficiency grants for private rented homes",
    "a food growing network with schools and community groups",
    "the workforce development plan for frontline staff",
    "the financial inclusion strategy and welfare rights advice",
    "a shared database of voluntary sector services",
    "neighbourhood clean-up days in the most deprived wards",
]
QUALIFIERS = [
    "in partnership with the voluntary and community sector",
    "so that services reflect the changing needs of the borough's communities",
    "and report progress to Cabinet each quarter",
    "across all council-run leisure centres and libraries",
    "using the findings of the 2015 residents' survey",
    "with a focus on wards in the most deprived 10% nationally",
    "within existing budgets",
    "and publish the results on the council's website",
]
HEADINGS = [
    "To consider the needs of diverse communities in developing council strategies",
    "To provide customer focussed and accessible services",
    "To improve the health and wellbeing of residents",
    "To increase the supply of affordable homes",
    "To support a strong and inclusive local economy",
    "To reduce crime and the fear of crime",
    "To develop a skilled and diverse workforce",
    "To protect and improve the local environment",
    "To make the council's decisions open and accountable",
    "To tackle poverty and financial exclusion",
]
DEADLINES = [
    "March 2016",
    "Q3 2016/17",
    "Ongoing",
    "2016/17",
    "December 2016",
    "31 March 2017",
    "Q1 2017/18",
    "June 2016 onwards",
    "Annually",
    "September 2017",
]
NOTES = [
    "consultation closed in June and responses are being analysed",
    "first phase delivered, second phase to start in the new year",
    "awaiting the outcome of the funding bid to central government",
    "report to Cabinet in the next quarter",
    "delayed by staff vacancies in the team",
    "procurement under way, contract to be awarded shortly",
    "pilot in two wards evaluated well and is being extended",
    "data sharing agreement with the NHS still to be signed",
]
# A step quicker than this in all is run again until it has taken this long (or MAX_RUNS).
MIN_SECONDS = 1.0
MAX_RUNS = 100


def action_text(rng: random.Random) -> str:
    """An action as councils word them, 80 to 150 characters."""
    while True:
        text = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        for qualifier in rng.sample(QUALIFIERS, len(QUALIFIERS)):
            if len(text) >= 80 and rng.random() < 0.5:
                break
            if len(text) + len(qualifier) + 1 <= 150:
                text += f" {qualifier}"
        if 80 <= len(text) <= 150:
            return text
