"""Benchmark the plan dashboard against a page every Django developer knows.

Run from the project root:

    .venv/bin/python bench/dashboard.py [--actions 500] [--updates 4] [--repeat 20]

It builds one council with a status vocabulary, five departments and one approved public
plan of ten workstreams holding N actions, each with one or two lead departments and U
progress updates over successive reporting quarters. Then, signed in as a superuser through
django.test.Client, it times the server side of four pages in the same process:

* the plan dashboard as it stands today;
* the plan dashboard as at the end of a past reporting quarter (?as_at=...), which reads each
  action's state from the update history instead of its current fields;
* the plan dashboard drawn afresh: the cache emptied before each request, as after any
  change to the council's content (the two above are read from the cache after the first);
* the plan's action table (django-tables2, first page of 25 rows);
* the Django admin changelist of the same actions, filtered to this plan.

The admin changelist is the reference. Absolute milliseconds depend on the machine, the
database and what else is running; the admin lists the same rows from the same database on
the same machine in the same run, and every Django developer has a feel for how fast it is.
So "the dashboard costs 1.8 admin changelists" means something anywhere.

Each page gets one warm-up request, then --repeat timed requests (time.perf_counter around
client.get; the median and minimum are reported), then one more request inside
CaptureQueriesContext to count its SQL queries. Every response must be 200.

The database: with DATABASE_URL unset, a throwaway SQLite file in a temporary directory that
is deleted at the end (the project's db.sqlite3 is never opened). With DATABASE_URL set (for
example to a PostgreSQL database), everything is created under a council with a unique slug,
and that council, its history rows, the sessions and the user made here are deleted at the
end. Either way the schema is brought up to date with `migrate` first.
"""

from __future__ import annotations

import argparse
import datetime
import math
import platform
import statistics
import sys
import time
from dataclasses import dataclass

from common import (
    create_council,
    database_label,
    setup_django,
)

TEMP_DIR = setup_django("bench-dashboard-")

import django  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponseBase  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from actionplans.financial_calendar import Quarter  # noqa: E402
from actionplans.forms import quarter_ends  # noqa: E402
from actionplans.models import (  # noqa: E402
    Action,
    ActionLead,
    Plan,
    ProgressUpdate,
    ReportingPeriod,
    Workstream,
)
from actionplans.services import reporting_period_for  # noqa: E402
from councils.models import Council, User  # noqa: E402

DEPARTMENTS = [
    "Chief Executive's Office",
    "Communities and Neighbourhoods",
    "Economic Development",
    "Housing Services",
    "Public Health",
]
WORKSTREAMS = 10
FIRST_QUARTER_START = datetime.date(2015, 4, 1)  # Q1 2015/16
PLAN_START = datetime.date(2015, 4, 1)
PLAN_END = datetime.date(2018, 3, 31)
PREFERRED_AS_AT = datetime.date(2016, 3, 31)
TABLE_PAGE_SIZE = 25


@dataclass
class Fixture:
    council: Council
    plan: Plan
    user: User
    updates: int


@dataclass
class Result:
    page: str
    median_ms: float
    min_ms: float
    queries: int
    kib: float


def quarter_starts(count: int, offset: int) -> list[datetime.date]:
    """`count` successive quarter start dates, beginning `offset` quarters after Q1 2015/16."""
    starts = []
    day = FIRST_QUARTER_START
    for index in range(offset + count):
        if index >= offset:
            starts.append(day)
        day = Quarter.containing(day).end + datetime.timedelta(days=1)
    return starts


def build(actions: int, updates: int) -> Fixture:
    """One council, its vocabulary and departments, and one plan of `actions` actions with
    `updates` progress updates each. Bulk writes throughout: no history rows, no signals."""
    tag, council, statuses, departments = create_council(DEPARTMENTS)
    plan = Plan.objects.create(
        council=council,
        title="Benchmark Action Plan 2015-2018",
        slug="benchmark-plan",
        lifecycle=Plan.Lifecycle.APPROVED,
        visibility=Plan.Visibility.PUBLIC,
        period_start=PLAN_START,
        period_end=PLAN_END,
        approved_on=datetime.date(2015, 3, 10),
    )
    workstreams = Workstream.objects.bulk_create(
        [
            Workstream(
                plan=plan, reference=f"Objective {n + 1}", title=f"Workstream {n + 1}", order=n
            )
            for n in range(WORKSTREAMS)
        ]
    )

    rows = []
    for i in range(actions):
        ws_index = i * WORKSTREAMS // actions
        action = Action(
            plan=plan,
            workstream=workstreams[ws_index],
            reference=f"{ws_index + 1}.{i + 1}",
            order=i,
            title=f"Deliver benchmark action number {i + 1}",
            description="A paragraph describing the action, as the approved plan words it.",
            lead_officer_title="Strategy manager",
        )
        month = i % 36  # deadlines January 2015 to December 2017
        action.set_deadline(f"{datetime.date(2015 + month // 12, month % 12 + 1, 1):%B %Y}")
        rows.append(action)
    rows = Action.objects.bulk_create(rows)

    leads = []
    for i, action in enumerate(rows):
        leads.append(ActionLead(action=action, department=departments[i % 5], order=0))
        if i % 2:
            leads.append(ActionLead(action=action, department=departments[(i + 1) % 5], order=1))
    ActionLead.objects.bulk_create(leads)

    # Actions start reporting in one of eight successive quarters, so the dashboard as at a
    # past quarter end finds some actions not yet reported and others part-way through.
    periods: dict[datetime.date, ReportingPeriod] = {}
    now = timezone.now()
    progress = []
    for i, action in enumerate(rows):
        latest: ProgressUpdate | None = None
        for j, start in enumerate(quarter_starts(updates, offset=i % 8)):
            reported_on = Quarter.containing(start).end - datetime.timedelta(days=5)
            if start not in periods:
                periods[start] = reporting_period_for(council, reported_on)
            status = statuses[(i + j) % len(statuses)]
            percent = 100 if status.is_complete else round(100 * (j + 1) / (updates + 1))
            latest = ProgressUpdate(
                action=action,
                period=periods[start],
                reported_on=reported_on,
                author_title="Strategy manager",
                status=status,
                percent_complete=percent,
                commentary=f"Update {j + 1}: progress as reported to Cabinet this quarter.",
                created_at=now,
            )
            progress.append(latest)
        if latest is not None:
            action.status = latest.status
            action.status_commentary = latest.commentary
            action.percent_complete = latest.percent_complete
            action.last_updated = latest.reported_on
    ProgressUpdate.objects.bulk_create(progress, batch_size=1000)
    Action.objects.bulk_update(
        rows, ["status", "status_commentary", "percent_complete", "last_updated"], batch_size=500
    )

    user = User.objects.create_superuser(f"bench-{tag}", f"bench-{tag}@example.invalid", None)
    return Fixture(council=council, plan=plan, user=user, updates=len(progress))


def measure(client: Client, label: str, url: str, repeat: int, *, cold: bool = False) -> Result:
    """Warm up once, time `repeat` requests, then count the queries of one more. `cold`:
    the cache is emptied before each, so the page is drawn afresh every time (as after any
    change to the council's content)."""
    check(client.get(url), label, url)
    timings = []
    for _ in range(repeat):
        if cold:
            caches["default"].clear()
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        check(response, label, url)
    if cold:
        caches["default"].clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    check(response, label, url)
    return Result(
        page=label,
        median_ms=statistics.median(timings),
        min_ms=min(timings),
        queries=len(captured.captured_queries),
        kib=len(response.content) / 1024,
    )


def check(response: HttpResponseBase, label: str, url: str) -> None:
    if response.status_code != 200:
        sys.exit(f"FAILED: {label} ({url}) answered {response.status_code}, expected 200.")


def run(fixture: Fixture, actions: int, repeat: int) -> list[Result]:
    plan = fixture.plan
    client = Client()
    client.force_login(fixture.user)
    try:
        dashboard = reverse("actionplans:plan-detail", args=[fixture.council.slug, plan.slug])
        offered = quarter_ends(plan, timezone.localdate())
        if not offered:
            sys.exit("FAILED: the dashboard offers no past quarter ends to show progress as at.")
        as_at = PREFERRED_AS_AT if PREFERRED_AS_AT in offered else offered[len(offered) // 2]
        table = reverse("actionplans:plan-actions", args=[fixture.council.slug, plan.slug])
        admin = reverse("admin:actionplans_action_changelist") + f"?plan__id__exact={plan.pk}"
        pages = math.ceil(actions / TABLE_PAGE_SIZE)
        past = f"{dashboard}?as_at={as_at}"
        return [
            measure(client, "plan dashboard (today)", dashboard, repeat),
            measure(client, f"plan dashboard (as at {as_at})", past, repeat),
            measure(client, "plan dashboard (drawn afresh)", dashboard, repeat, cold=True),
            measure(client, f"action table (page 1 of {pages})", table, repeat),
            measure(client, "admin changelist (reference)", admin, repeat),
        ]
    finally:
        client.logout()  # deletes the session row


def report(results: list[Result], actions: int, updates: int) -> None:
    print(
        f"Dashboard benchmark: {actions} actions, {updates} progress updates, "
        f"{database_label()}, Python {platform.python_version()}, Django {django.get_version()}"
    )
    width = max(34, *(len(r.page) for r in results))
    print(f"{'page':<{width}} {'median ms':>9} {'min ms':>8} {'queries':>8} {'KiB':>7}")
    for r in results:
        print(
            f"{r.page:<{width}} {r.median_ms:>9.1f} {r.min_ms:>8.1f} {r.queries:>8} {r.kib:>7.1f}"
        )
    print(f"dashboard / admin changelist: {results[0].median_ms / results[-1].median_ms:.1f}x")


def clean_up(fixture: Fixture) -> None:
    """Delete everything this run made, history rows included, leaving the database as found."""
    plan_ids = list(Plan.objects.filter(council=fixture.council).values_list("pk", flat=True))
    # Progress updates PROTECT their status and reporting period, so the plans (and with them
    # actions, leads and updates) go before the council (statuses, periods, departments).
    Plan.objects.filter(pk__in=plan_ids).delete()
    fixture.council.delete()
    Plan.history.filter(id__in=plan_ids).delete()
    Workstream.history.filter(plan_id__in=plan_ids).delete()
    Action.history.filter(plan_id__in=plan_ids).delete()
    fixture.user.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=500, help="actions in the plan")
    parser.add_argument("--updates", type=int, default=4, help="progress updates per action")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    args = parser.parse_args()
    if args.actions < 1 or args.updates < 0 or args.repeat < 1:
        parser.error("--actions and --repeat must be at least 1, --updates at least 0")

    # The test client's host name; the benchmark never serves real requests.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    fixture: Fixture | None = None
    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        fixture = build(args.actions, args.updates)
        built = time.perf_counter() - started
        print(f"(built the plan in {built:.1f} s; timing {args.repeat} requests per page)")
        results = run(fixture, args.actions, args.repeat)
        report(results, args.actions, fixture.updates)
    finally:
        try:
            if fixture is not None:
                clean_up(fixture)
        finally:
            connection.close()  # before the temporary directory goes, at exit


if __name__ == "__main__":
    main()
