"""Fixtures shared by the tests of reports."""

import pytest

from reports.models import CommitteeReport


@pytest.fixture(params=["disk", "bucket"])
def stored_report(request, settings, tmp_path):
    """The demo Cabinet report, its papers kept on the local disk (the embedded default)
    or in a bucket on an S3-compatible server (production's): a test using it runs on both."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if request.param == "bucket":
        request.getfixturevalue("s3_storage")
    return CommitteeReport.objects.get(council__slug="norwich", item_number="8")


@pytest.fixture
def stand_in_pdfs(monkeypatch):
    """Stand-in PDFs, one for the pack and each part, for tests about storing and serving
    papers rather than their layout."""
    monkeypatch.setattr(
        "reports.services.papers_to_pdf",
        lambda sections, pack, parts, **kw: [
            f"%PDF stand-in {p.title}".encode() for p in [pack, *parts]
        ],
    )
