"""Report pages for democratic services: the front sheet, and each appendix as a web page
and as a PDF. Outsiders get 404, other roles 403."""

import pytest
from django.urls import reverse

from councils.models import Membership, User
from reports.models import CommitteeReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    return CommitteeReport.objects.get(council__slug="norwich", item_number="8")


def login(client, username):
    client.force_login(User.objects.get(username=username))


def test_democratic_services_see_the_front_sheet_and_appendices(client, report):
    login(client, "norwich-democratic-services")
    page = client.get(
        reverse("reports:report-detail", args=["norwich", report.pk])
    ).content.decode()
    for text in [
        "Reducing inequalities action plan",
        "Executive head of strategy, people and neighbourhoods",
        "None – activity to be met from within existing budgets",
        "All wards generally and Lakenham specifically",
        "Cabinet member for fairness and equality",
        "Head of local neighbourhood services, 01603 212373",
        "Appendix 1: Reducing Inequalities Action Plan 2015-16",
        "Appendix 2: Outline pilot activity within Lakenham",
    ]:
        assert text in page, text
    listing = client.get(reverse("reports:report-list", args=["norwich"])).content.decode()
    assert report.get_absolute_url() in listing


def test_each_appendix_as_a_web_page_and_a_pdf(client, report):
    login(client, "norwich-democratic-services")
    html = client.get(
        reverse("reports:appendix-html", args=["norwich", report.pk, 1])
    ).content.decode()
    assert "<h1>Reducing Inequalities Action Plan 2015-16</h1>" in html
    response = client.get(reverse("reports:appendix-pdf", args=["norwich", report.pk, 2]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert (
        'filename="draft-appendix-2-outline-pilot-activity-within-lakenham.pdf"'
        in response["Content-Disposition"]
    )


def test_who_may_open_report_pages(client, report, council_b):
    urls = [
        reverse("reports:report-list", args=["norwich"]),
        reverse("reports:report-detail", args=["norwich", report.pk]),
        reverse("reports:appendix-html", args=["norwich", report.pk, 1]),
        reverse("reports:appendix-pdf", args=["norwich", report.pk, 1]),
    ]
    assert all(client.get(url).status_code == 302 for url in urls)  # sign in first
    login(client, "norwich-councillor")
    assert all(client.get(url).status_code == 403 for url in urls)
    login(client, "norwich-admin")  # council admins prepare reports too
    assert all(client.get(url).status_code == 200 for url in urls)
    outsider = User.objects.create_user("b-dem", password="pw")
    Membership.objects.create(user=outsider, council=council_b, role="democratic_services")
    client.force_login(outsider)
    assert all(client.get(url).status_code == 404 for url in urls)
    # A guessed id under their own council's address is not found either.
    guessed = reverse("reports:report-detail", args=[council_b.slug, report.pk])
    assert client.get(guessed).status_code == 404


def test_council_page_links_reports_for_those_who_prepare_them(client):
    url = reverse("actionplans:council-detail", args=["norwich"])
    assert "Committee reports" not in client.get(url).content.decode()
    login(client, "norwich-democratic-services")
    assert "Committee reports" in client.get(url).content.decode()
