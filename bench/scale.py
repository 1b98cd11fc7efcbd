"""Pages at scale: the public council page, a plan dashboard, My actions and the cross-plan
views against a database holding many councils, timed next to a trivial view.

Run from the project root, against a PostgreSQL database filled by generate_load:

    export DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/councilplans_scale
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_load --councils 10 --plans 10 --actions 1000 --updates 10
    .venv/bin/python bench/scale.py [--repeat 10] [--explain]

It picks the first generated council (10 plans of 1,000 actions each, 10 updates an action)
and, through django.test.Client in this process, times each page: one warm-up request, then
--repeat timed ones (median and minimum), then one more inside CaptureQueriesContext to count
its queries. The same pages of the demo Norwich council (24 actions) are timed and counted
too, in the same big database: the count must not grow with the data, and a small plan must
stay as fast as in a small database. The reference is /livez, a view that touches nothing:
what Django itself costs here. The public pages are measured with the public-page cache off
(rendering) and on (a signed-out visitor's repeat visit).

--explain prints PostgreSQL's EXPLAIN ANALYZE for the queries behind the dashboard, My
actions and the council page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from common import database_label, setup_django

setup_django("bench-scale-")

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from actionplans.models import Action, ProgressUpdate  # noqa: E402
from councils.models import Council, Membership  # noqa: E402


def timed(client: Client, url: str, repeat: int) -> tuple[float, float, int]:
    response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"FAILED: {url} answered {response.status_code}")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), min(times), len(queries)


def pages(council: Council) -> dict[str, tuple[str, str | None]]:
    """Page name -> (url, username to sign in as, or None)."""
    plan = council.plans.order_by("pk").first()
    officer = (
        Membership.objects.filter(council=council, role="officer")
        .exclude(department=None)
        .select_related("user", "department")
        .order_by("pk")
        .first()
    )
    ward = council.wards.order_by("pk").first()
    manager = (
        Membership.objects.filter(council=council, role="plan_manager")
        .select_related("user")
        .order_by("pk")
        .first()
    )
    word = plan.actions.order_by("pk").values_list("title", flat=True).first().split()[0]
    return {
        "public council page": (council.get_absolute_url(), None),
        "public plan dashboard": (plan.get_absolute_url(), None),
        "plan dashboard (plan manager)": (plan.get_absolute_url(), manager.user.username),
        "My actions (officer)": (reverse("actionplans:my-actions"), officer.user.username),
        "search (plan manager)": (
            f"{reverse('search:search')}?q={word}&council={council.slug}",
            manager.user.username,
        ),
        "actions by department": (
            reverse("actionplans:department-detail", args=[council.slug, officer.department_id]),
            None,
        ),
        "actions by ward": (
            reverse("actionplans:ward-detail", args=[council.slug, ward.pk]),
            None,
        ),
    }


def explain(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run this against PostgreSQL filled by generate_load (see --help).")
    big = Council.objects.filter(slug__startswith="load-").order_by("pk").first()
    small = Council.objects.filter(slug="norwich").first()
    if big is None or small is None:
        sys.exit("No generated council, or no demo: run seed_demo and generate_load first.")
    totals = (
        Action.objects.count(),
        ProgressUpdate.objects.count(),
        Council.objects.count(),
    )
    print(
        f"Scale benchmark: {database_label()}; {totals[0]:,} actions, {totals[1]:,} progress "
        f"updates, {totals[2]} councils in the database; the measured council has "
        f"{Action.objects.filter(plan__council=big).count():,} actions in "
        f"{big.plans.count()} plans."
    )
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    median, fastest, queries = timed(client, reverse("live"), args.repeat * 5)
    reference = median
    print(
        f"{'page':<34} {'median ms':>10} {'min ms':>8} {'x ref':>7} {'queries':>8} "
        f"{'demo queries':>13} {'demo ms':>8}"
    )
    print(f"{'/livez (reference)':<34} {median:>10.1f} {fastest:>8.1f} {'-':>7} {queries:>8}")
    small_pages = pages(small) if small.plans.exists() else {}
    for cache_on in (False, True):
        settings.PUBLIC_CACHE_SECONDS = 300 if cache_on else 0
        cache.clear()
        for name, (url, username) in pages(big).items():
            if cache_on and (username or not name.startswith("public")):
                continue  # only signed-out visitors' council and plan pages are cached
            client = Client()
            if username:
                from councils.models import User

                client.force_login(User.objects.get(username=username))
            median, fastest, queries = timed(client, url, args.repeat)
            demo, demo_ms = "-", "-"
            if name in small_pages and not cache_on:
                small_url, small_user = small_pages[name]
                small_client = Client()
                if small_user:
                    from councils.models import User

                    small_client.force_login(User.objects.get(username=small_user))
                demo_median, _, demo = timed(small_client, small_url, args.repeat)
                demo_ms = f"{demo_median:.1f}"
            label = f"{name}{' (cached)' if cache_on else ''}"
            print(
                f"{label:<34} {median:>10.1f} {fastest:>8.1f} {median / reference:>7.1f} "
                f"{queries:>8} {demo:>13} {demo_ms:>8}"
            )
    if args.explain:
        plan = big.plans.order_by("pk").first()
        import datetime

        today = datetime.date.today()
        queryset = plan.actions.with_state(today)
        sql, params = queryset.query.sql_with_params()
        print("\n-- Dashboard: every action of a plan with its state as at today\n")
        print(explain(sql, params))
        counts = (
            Action.objects.filter(plan__council=big)
            .with_state(today)
            .annotate(headline=F("state_headline"))
            .values_list("plan_id", "headline")
            .annotate(n=Count("pk"))
            .order_by()
        )
        sql, params = counts.query.sql_with_params()
        print("\n-- Council page: each plan's actions by headline group\n")
        print(explain(sql, params))
        officer = Membership.objects.filter(council=big, role="officer").first().user
        mine = Action.objects.led_by(officer)
        sql, params = mine.query.sql_with_params()
        print("\n-- My actions: the actions an officer leads\n")
        print(explain(sql, params))


if __name__ == "__main__":
    main()
