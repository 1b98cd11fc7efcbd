"""The public committee papers page: published reports that are not exempt, drawn only from
plans the reader may see, with the latest version's PDFs to download as they were published."""

import pytest
from django.urls import reverse

from actionplans.models import Plan
from councils.models import User
from reports.models import CommitteeReport
from reports.services import publish_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    files = publish_report(report, by=User.objects.get(username="norwich-democratic-services"))
    return report, files


def test_the_public_download_published_papers(client, published):
    report, files = published
    papers = reverse("reports:papers", args=["norwich"])
    html = client.get(papers).content.decode()
    assert '<h1 class="govuk-heading-xl">Committee papers</h1>' in html
    assert (
        "Reducing inequalities action plan" in html and "Cabinet, 4 November 2015, item 8" in html
    )
    for file in files:
        assert file.label in html
    pack = files[0]
    response = client.get(reverse("reports:paper-file", args=["norwich", report.pk, pack.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pack.file.open("rb").read()
    assert 'filename="v1-report-and-appendices.pdf"' in response["Content-Disposition"]
    # Only the latest version is listed; earlier ones stay downloadable by their link.
    publish_report(report, by=None)
    html = client.get(papers).content.decode()
    assert "version 2" in html and html.count("Front sheet") == 1
    url = reverse("reports:paper-file", args=["norwich", report.pk, pack.pk])
    assert client.get(url).status_code == 200
    # The council's page links its papers.
    council = client.get(reverse("actionplans:council-detail", args=["norwich"])).content.decode()
    assert papers in council


def test_exempt_reports_never_appear_publicly(client, published):
    report, files = published
    report.is_exempt = True
    report.save()
    client.force_login(User.objects.get(username="norwich-councillor"))
    html = client.get(reverse("reports:papers", args=["norwich"])).content.decode()
    assert "Reducing inequalities action plan" not in html
    assert "has not published any committee papers here yet" in html
    url = reverse("reports:paper-file", args=["norwich", report.pk, files[0].pk])
    assert client.get(url).status_code == 404


def test_a_report_on_a_members_only_plan_is_for_members(client, published):
    report, files = published
    Plan.objects.filter(slug="lakenham-pilot-activity").update(visibility="members")
    url = reverse("reports:paper-file", args=["norwich", report.pk, files[1].pk])
    papers = reverse("reports:papers", args=["norwich"])
    assert "Reducing inequalities action plan" not in client.get(papers).content.decode()
    assert client.get(url).status_code == 404
    client.force_login(User.objects.get(username="city-councillor"))  # another council
    assert client.get(url).status_code == 404
    client.force_login(User.objects.get(username="norwich-councillor"))
    assert "Reducing inequalities action plan" in client.get(papers).content.decode()
    assert client.get(url).status_code == 200


def test_papers_page_queries_do_not_grow_with_reports(
    client, published, django_assert_max_num_queries
):
    report, _ = published
    for item in ("9", "10", "11"):
        copy = CommitteeReport.objects.get(pk=report.pk)
        copy.pk = None
        copy.item_number = item
        copy.save()
        for appendix in report.appendices.all():
            copy.appendices.create(
                order=appendix.order, title=appendix.title, plan=appendix.plan, as_at=appendix.as_at
            )
        publish_report(copy, by=None)
    with django_assert_max_num_queries(8):
        html = client.get(reverse("reports:papers", args=["norwich"])).content.decode()
    assert html.count("Report and appendices (one PDF)") == 4
