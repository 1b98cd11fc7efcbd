"""Fill the database with synthetic but realistic councils for load and scale testing.

python manage.py generate_load --councils 10 --plans 10 --actions 1000 --updates 10
    (plans per council, actions per plan, updates per action: 100,000 actions and
    1,000,000 progress updates)

Everything is made with bulk inserts, in a transaction per plan. Generated councils are
named "Load Test Borough Council <tag>"; their officers cannot sign in until given a
password. Remove them with --delete."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from actionplans.loadgen import generate


class Command(BaseCommand):
    help = "Generate synthetic councils, plans, actions and progress updates in bulk."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--councils", type=int, default=1)
        parser.add_argument("--plans", type=int, default=5, help="Plans per council.")
        parser.add_argument("--actions", type=int, default=100, help="Actions per plan.")
        parser.add_argument("--updates", type=int, default=4, help="Updates per action.")
        parser.add_argument("--seed", type=int, default=1, help="For repeatable text.")
        parser.add_argument(
            "--delete", action="store_true", help="Delete every generated council instead."
        )

    def handle(self, *args, **options) -> None:
        if options["delete"]:
            from councils.models import Council, User

            councils = Council.objects.filter(
                slug__startswith="load-", name__startswith="Load Test"
            )
            count = councils.count()
            councils.delete()
            User.objects.filter(username__startswith="load-", memberships__isnull=True).delete()
            self.stdout.write(f"Deleted {count} generated councils.")
            return
        for name in ("councils", "plans", "actions", "updates"):
            if not 0 < options[name] <= 1_000_000:
                raise CommandError(f"--{name} must be between 1 and 1,000,000.")
        started = time.perf_counter()
        counts = generate(
            councils=options["councils"],
            plans=options["plans"],
            actions=options["actions"],
            updates=options["updates"],
            seed=options["seed"],
            log=self.stdout.write,
        )
        seconds = time.perf_counter() - started
        if connection.vendor == "postgresql":
            # As a DBA does after a bulk load (autovacuum would, a minute or so later): the
            # planner's statistics still describe the empty tables, and the pages that read
            # an action's latest update choose sequential scans (My actions took 3 s, not
            # 0.4 s, at 1,000,000 updates).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            f"Generated {counts['councils']:,} councils, {counts['plans']:,} plans, "
            f"{counts['actions']:,} actions and {counts['updates']:,} progress updates "
            f"in {seconds:.1f} s ({(counts['actions'] + counts['updates']) / seconds:,.0f} rows/s)."
        )
