"""Check every published paper against the SHA-256 recorded when it was published.

    python manage.py verify_papers [--council SLUG]

Reads each published file (PDF and Word) from storage, the local disk or the bucket, and
prints one line for each that is missing, altered or unreadable, naming the council, the
report, the version and the file, then a summary. Exits with status 1 if any is, so that
a nightly job can alert on it. Files are read in 1 MB pieces and hashed as they come."""

from __future__ import annotations

import hashlib

from django.core.management.base import BaseCommand, CommandError

from reports.models import PublishedFile
from reports.services import missing_from_storage

CHUNK = 1024 * 1024


def stored_sha256(field) -> str:
    """The SHA-256 of the stored file; FileNotFoundError if storage has no such file."""
    digest = hashlib.sha256()
    with field.storage.open(field.name, "rb") as handle:
        while piece := handle.read(CHUNK):
            digest.update(piece)
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Check every published paper in storage against its recorded SHA-256."

    def add_arguments(self, parser):
        parser.add_argument("--council", help="Only this council's papers (its slug).")

    def handle(self, *args, council=None, **options):
        files = PublishedFile.objects.select_related("report__council").order_by(
            "report__council__slug", "report_id", "version", "order"
        )
        if council:
            files = files.filter(report__council__slug=council)
        checked = problems = 0
        for published in files.iterator(chunk_size=500):
            kinds = [("PDF", published.file, published.sha256)]
            if published.word:
                kinds.append(("Word", published.word, published.word_sha256))
            for kind, field, expected in kinds:
                checked += 1
                problem = self.problem_with(field, expected)
                if problem:
                    problems += 1
                    report = published.report
                    self.stdout.write(
                        f"{problem}: {report.council.name}, report {report.pk} "
                        f"“{report.subject}”, version {published.version}, "
                        f"{published.label} ({kind}), {field.name}"
                    )
        if problems:
            raise CommandError(
                f"{problems} of {checked} published files are not as they were published."
            )
        self.stdout.write(f"All {checked} published files are as they were published.")

    @staticmethod
    def problem_with(field, expected: str) -> str | None:
        if not field.name:
            return "MISSING (no file recorded)"
        try:
            found = stored_sha256(field)
        except Exception as error:
            if missing_from_storage(error):
                return "MISSING"
            return f"UNREADABLE ({type(error).__name__})"
        if found != expected:
            return f"ALTERED (SHA-256 {found}, published as {expected})"
        return None
