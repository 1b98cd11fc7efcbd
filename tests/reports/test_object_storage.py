"""Published papers in an S3-compatible bucket (moto's server on this machine): nothing on
the app server's disk, the bucket private, every paper streamed through the app after its
access check, byte for byte what was published. (tests/reports/test_papers.py runs the
publishing and download rules on a bucket as well as on the disk.)"""

import hashlib
import urllib.error
import urllib.request

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from councils.models import User
from reports.models import CommitteeReport
from reports.services import publish_report
from tests.s3_server import s3_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(settings, tmp_path, s3_storage):
    settings.MEDIA_ROOT = tmp_path / "media"
    return CommitteeReport.objects.get(council__slug="norwich", item_number="8")


def objects(endpoint: str, bucket: str) -> dict[str, bytes]:
    client = s3_client(endpoint)
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {
        item["Key"]: client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        for item in listed
    }


def test_papers_are_kept_in_the_bucket_not_on_the_disk(report, s3_storage, settings, client):
    endpoint, bucket = s3_storage
    files = publish_report(report, by=User.objects.get(username="norwich-democratic-services"))
    stored = objects(endpoint, bucket)
    assert len(stored) == 2 * len(files)  # each paper's PDF and Word document
    for file in files:
        assert hashlib.sha256(stored[file.file.name]).hexdigest() == file.sha256
        assert hashlib.sha256(stored[file.word.name]).hexdigest() == file.word_sha256
        assert file.file.name.startswith(f"reports/{report.council_id}/{report.pk}/v1/")
    assert not (settings.MEDIA_ROOT).exists() or not any(settings.MEDIA_ROOT.rglob("*.*"))
    # The public download is the stored paper, byte for byte, through the app.
    pack = files[0]
    response = client.get(reverse("reports:paper-file", args=["norwich", report.pk, pack.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored[pack.file.name]
    response = client.get(reverse("reports:paper-word", args=["norwich", report.pk, pack.pk]))
    assert b"".join(response.streaming_content) == stored[pack.word.name]


def test_the_bucket_is_private(report, s3_storage):
    endpoint, bucket = s3_storage
    files = publish_report(report, by=None)
    client = s3_client(endpoint)
    for file in files[:2]:
        grants = client.get_object_acl(Bucket=bucket, Key=file.file.name)["Grants"]
        assert [g["Grantee"].get("URI") for g in grants] == [None]  # the owner alone
        # A plain link to the object, without a signature, is refused.
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{endpoint}/{bucket}/{file.file.name}", timeout=5)
        assert refused.value.code == 403


def test_a_link_made_to_a_paper_is_signed_and_short_lived(report):
    files = publish_report(report, by=None)
    url = default_storage.url(files[0].file.name)
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url
