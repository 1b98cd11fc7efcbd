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
