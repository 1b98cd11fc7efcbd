"""Give a council the standard assessment forms to start from (then edit them in the admin).

python manage.py add_assessment_forms COUNCIL_SLUG
"""

from django.core.management.base import BaseCommand, CommandError

from councils.models import Council
from impact.standard import STANDARD, install


class Command(BaseCommand):
    help = "Add the standard integrated and equality impact assessment forms to a council."

    def add_arguments(self, parser) -> None:
        parser.add_argument("council", help="The council's slug.")

    def handle(self, *args, **options) -> None:
        council = Council.objects.filter(slug=options["council"]).first()
        if council is None:
            raise CommandError(f"No council with slug '{options['council']}'.")
        for spec in STANDARD:
            template = install(council, spec)
            self.stdout.write(f"{council.name}: {template}")
