"""Write a committee report as PDFs: the whole report as one file, the front sheet, and each
appendix, with their SHA-256. Nothing is stored or published: publish from the report page.

python manage.py build_report 3 --out papers/cabinet-2015-11-04
"""

import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.models import CommitteeReport
from reports.services import generate_documents


class Command(BaseCommand):
    help = "Write a committee report (front sheet, each appendix, and the whole) as PDFs."

    def add_arguments(self, parser) -> None:
        parser.add_argument("report", type=int, help="The report's id.")
        parser.add_argument("--out", type=Path, required=True, help="The folder to write to.")

    def handle(self, *args, **options) -> None:
        report = (
            CommitteeReport.objects.select_related("council", "committee")
            .filter(pk=options["report"])
            .first()
        )
        if report is None:
            raise CommandError(f"No committee report with id {options['report']}.")
        folder: Path = options["out"]
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Cannot create {folder}: {error.strerror}.") from error
        documents = generate_documents(report)
        for document in documents:
            path = folder / f"{document.name}.pdf"
            path.write_bytes(document.pdf)
            digest = hashlib.sha256(document.pdf).hexdigest()
            self.stdout.write(f"{path}  {len(document.pdf):,} bytes  sha256 {digest}")
        appendices = len(documents) - 2
        self.stdout.write(
            f"Built '{report}': the front sheet, {appendices} "
            f"appendi{'x' if appendices == 1 else 'ces'} and the whole report."
        )
