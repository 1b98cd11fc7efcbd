"""An upload waits in the database for its preview: only for the person who made it, for
a day; refused or imported, it is gone."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from spreadsheets.models import Upload
from tests.forms import form_fields

CSV = b"Action,Lead,Status\r\nRun a jobs fair,Housing,On target\r\n"


def upload(client) -> str:
    response = client.post(
        reverse("actionplans:plan-import", args=["marshwood-vale"]),
        {"spreadsheet": SimpleUploadedFile("jobs.csv", CSV, content_type="text/csv"), "title": "J"},
    )
    return response["Location"]


def test_an_upload_expires_after_a_day_and_is_swept_by_the_next(client, council, importer):
    client.force_login(importer)
    preview = upload(client)
    assert "Run a jobs fair" in client.get(preview).content.decode()
    kept = Upload.objects.get()
    assert kept.name == "jobs.csv" and bytes(kept.data) == CSV and kept.uploaded_by == importer
    assert kept.expires_at - timezone.now() > datetime.timedelta(hours=23)
    Upload.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(preview).status_code == 404
    upload(client)  # the next upload sweeps the expired one away
    assert list(Upload.objects.values_list("name", flat=True)) == ["jobs.csv"]
    assert Upload.objects.get().pk != kept.pk


def test_an_imported_upload_is_deleted(client, council, importer):
    client.force_login(importer)
    preview = upload(client)
    response = client.post(preview, form_fields(client.get(preview), confirm="1"))
    assert response.status_code == 302
    assert not Upload.objects.exists()
    assert client.get(preview).status_code == 404
