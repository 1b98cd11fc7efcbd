"""`python manage.py seed_demo`: the whole demo, each app's part by its own loader, lowest
first (plans and users, then impact assessments, then committee reports, which link the
assessments they go with). It lives in reports, the top of the app graph, so that calling
the loaders of the apps below points the way imports do. Safe to run again."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load the demo councils, plans, users, assessments and reports (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet-users", action="store_true", help="Do not list demo users.")

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        call_command("seed_demo_plans", quiet_users=True, stdout=self.stdout)
        call_command("seed_demo_impact", stdout=self.stdout)
        call_command("seed_demo_reports", stdout=self.stdout)
        if not options["quiet_users"]:
            call_command("seed_demo_plans", print_users_only=True, stdout=self.stdout)
