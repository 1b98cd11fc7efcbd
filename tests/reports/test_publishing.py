"""Publishing freezes a report's appendices: stored with their SHA-256, byte-identical years
later whatever happens to the plans, and re-publishing makes a new version."""

import hashlib

import pytest
from django.urls import reverse

from actionplans.models import Action
from councils.models import User
from reports.models import CommitteeReport, PublishedFile
from reports.rendering import render_appendix_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def report():
    return CommitteeReport.objects.get(council__slug="norwich", item_number="8")


def download(client, report, published) -> bytes:
    url = reverse("reports:published-file", args=["norwich", report.pk, published.pk])
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_published_appendices_never_change_and_new_versions_are_kept(client, report):
    officer = User.objects.get(username="norwich-democratic-services")
    client.force_login(officer)
    detail = reverse("reports:report-detail", args=["norwich", report.pk])
    client.post(detail)
    first = list(PublishedFile.objects.filter(report=report, version=1).order_by("label"))
    assert [f.label for f in first] == [
        "Appendix 1: Reducing Inequalities Action Plan 2015-16",
        "Appendix 2: Outline pilot activity within Lakenham",
    ]
    assert first[0].generated_by == officer
    original = download(client, report, first[0])
    assert hashlib.sha256(original).hexdigest() == first[0].sha256

    # The plan moves on after publication: an action is renamed.
    action = Action.objects.get(title__startswith="Review Go for Less")
    action.title = "Review Go for Less after Universal Credit"
    action.save()
    assert render_appendix_pdf(first[0].appendix) != original  # a fresh render differs
    assert download(client, report, first[0]) == original  # the published one does not

    client.post(detail)
    assert PublishedFile.objects.filter(report=report, version=2).count() == 2
    assert download(client, report, first[0]) == original  # version 1 is still there
    page = client.get(detail).content.decode()
    assert "Publish a new version" in page and first[0].sha256 in page
    title = "Reducing inequalities action plan – Norwich City Council – Council action plans"
    assert f"<title>{title}</title>" in page


def test_only_report_writers_publish_and_download(client, report, council_b):
    client.force_login(User.objects.get(username="norwich-democratic-services"))
    client.post(reverse("reports:report-detail", args=["norwich", report.pk]))
    published = PublishedFile.objects.filter(report=report).first()
    url = reverse("reports:published-file", args=["norwich", report.pk, published.pk])
    client.force_login(User.objects.get(username="norwich-councillor"))
    assert (
        client.post(reverse("reports:report-detail", args=["norwich", report.pk])).status_code
        == 403
    )
    assert client.get(url).status_code == 403
    assert PublishedFile.objects.filter(report=report).count() == 2
    other = User.objects.create_user("b-dem", password="pw")
    other.memberships.create(council=council_b, role="democratic_services")
    client.force_login(other)
    assert client.get(url).status_code == 404
