"""Write a committee report's appendices as PDFs, one file each, with their SHA-256.

python manage.py build_report 3 --out papers/cabinet-2015-11-04
"""

import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from reports.models import CommitteeReport
from reports.rendering import render_appendix_pdf


class Command(BaseCommand):
    help = "Write each appendix of a committee report as an accessible PDF."

    def add_arguments(self, parser) -> None:
        parser.add_argument("report", type=int, help="The report's id.")
        parser.add_argument("--out", type=Path, required=True, help="The folder to write to.")

    def handle(self, *args, **options) -> None:
        report = CommitteeReport.objects.filter(pk=options["report"]).first()
        if report is None:
            raise CommandError(f"No committee report with id {options['report']}.")
        appendices = list(report.appendices.select_related("plan__council", "report"))
        if not appendices:
            raise CommandError(f"'{report}' has no appendices to build.")
        folder: Path = options["out"]
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Cannot create {folder}: {error.strerror}.") from error
        for appendix in appendices:
            pdf = render_appendix_pdf(appendix)
            path = folder / f"{slugify(appendix.label)}-{slugify(appendix.title)[:60]}.pdf"
            path.write_bytes(pdf)
            digest = hashlib.sha256(pdf).hexdigest()
            self.stdout.write(f"{path}  {len(pdf):,} bytes  sha256 {digest}")
        self.stdout.write(f"Built {len(appendices)} appendices of '{report}'.")
