"""`manage.py verify_papers`: every published file read back from storage (the disk or a
bucket) and checked against the SHA-256 recorded at publication; one line per file missing
or altered, naming the report, version and file, and a non-zero exit."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.services import publish_report

pytestmark = pytest.mark.django_db


def verify(*args) -> tuple[str, str | None]:
    out = io.StringIO()
    try:
        call_command("verify_papers", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), None


def test_papers_as_published_pass(stored_report, stand_in_pdfs):
    files = publish_report(stored_report, by=None)
    out, failed = verify()
    assert failed is None
    assert f"All {2 * len(files)} published files are as they were published." in out


def test_an_altered_and_a_missing_paper_are_named(stored_report, stand_in_pdfs):
    files = publish_report(stored_report, by=None)
    publish_report(stored_report, by=None)  # version 2, left alone
    altered, missing = files[1], files[2]
    storage = altered.file.storage
    storage.delete(altered.file.name)  # written over, as an intruder or a bad restore would
    storage.save(altered.file.name, ContentFile(b"%PDF a different paper"))
    assert storage.exists(altered.file.name)
    missing.word.storage.delete(missing.word.name)
    out, failed = verify()
    lines = out.strip().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("ALTERED (SHA-256 ")
    assert f"published as {altered.sha256})" in lines[0]
    assert (
        f"Norwich City Council, report {stored_report.pk} “Reducing inequalities action plan”, "
        f"version 1, {altered.label} (PDF), {altered.file.name}"
    ) in lines[0]
    assert lines[1].startswith("MISSING: ") and f"{missing.label} (Word)" in lines[1]
    assert failed == "2 of 16 published files are not as they were published."
    out, failed = verify("--council", "example")
    assert failed is None and "All 0 published files" in out
