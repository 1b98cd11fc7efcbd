"""Publishing is all or nothing across the database and file storage: when storage fails
part-way (a disk that is full, a bucket that does not answer), no version row points at a
missing file, no file is left that no version points at, the build says what happened, and
publishing again works. Downloading a paper while storage is away answers 503, and the
dashboards do not need it."""

import pytest
from django.core.files.storage import default_storage, storages

from councils.models import User
from reports.models import Publication, PublishedFile, ReportBuild
from reports.services import StorageFailed, publish_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(stored_report):
    return stored_report


def stored_names(settings) -> set[str]:
    """Every file in storage, wherever it is kept."""
    storage = default_storage
    if hasattr(storage, "bucket"):
        return {item.key for item in storage.bucket.objects.all()}
    root = settings.MEDIA_ROOT
    return (
        {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
        if root.exists()
        else set()
    )


def test_storage_failing_part_way_publishes_nothing_and_leaves_nothing(
    report, stand_in_pdfs, monkeypatch, settings
):
    storage = storages["default"]
    real_save = storage._save
    calls = []

    def failing_save(name, content):
        calls.append(name)
        if len(calls) == 5:  # the third paper's PDF, after two papers' PDF and Word
            raise OSError(28, "No space left on device")
        return real_save(name, content)

    monkeypatch.setattr(storage, "_save", failing_save)
    with pytest.raises(StorageFailed):
        publish_report(report, by=User.objects.get(username="norwich-democratic-services"))
    assert len(calls) == 5
    assert not Publication.objects.filter(report=report).exists()
    assert not PublishedFile.objects.filter(report=report).exists()
    assert stored_names(settings) == set()  # the four files stored were taken back
    build = ReportBuild.objects.filter(report=report).latest("pk")
    assert build.state == ReportBuild.State.FAILED and build.storage_failed
    assert "No space left on device" in build.error
    assert "file storage the papers are kept in did not answer" in build.failure_message

    monkeypatch.setattr(storage, "_save", real_save)  # storage is back
    files = publish_report(report, by=None)
    assert files[0].version == 1
    assert stored_names(settings) == {f.file.name for f in files} | {f.word.name for f in files}
