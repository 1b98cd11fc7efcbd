"""Write a committee report as PDFs or Word documents: the whole report as one file, the
front sheet, and each appendix, with their SHA-256. Nothing is stored or published: publish
from the report page.

python manage.py build_report 3 --out papers/cabinet-2015-11-04 [--format docx]
"""

import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.models import CommitteeReport
from reports.services import generate_documents


class Command(BaseCommand):
    help = (
        "Write a committee report (front sheet, each appendix, and the whole) as PDFs or Word "
        "documents."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("report", type=int, help="The report's id.")
        parser.add_argument("--out", type=Path, required=True, help="The folder to write to.")
        parser.add_argument(
            "--format",
            choices=["pdf", "docx"],
            default="pdf",
            help="PDF (the default) or Word (docx): the same papers from the same data.",
        )

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
        fmt = options["format"]
        for document in documents:
            data = document.docx if fmt == "docx" else document.pdf
            path = folder / f"{document.name}.{fmt}"
            path.write_bytes(data)
            digest = hashlib.sha256(data).hexdigest()
            self.stdout.write(f"{path}  {len(data):,} bytes  sha256 {digest}")
        appendices = len(documents) - 2
        self.stdout.write(
            f"Built '{report}': the front sheet, {appendices} "
            f"appendi{'x' if appendices == 1 else 'ces'} and the whole report."
        )
