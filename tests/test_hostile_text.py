"""Text people type can be hostile. Every spreadsheet export neutralises formulas, pages and
papers escape markup, and the PDF renderer fetches nothing but our own static files, whatever
URLs, file:// paths or <img> tags the text holds."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from actionplans.exports import render_csv, render_xlsx
from actionplans.models import Action, Plan
from impact.models import Assessment, Rating
from reports import rendering
from reports.models import CommitteeReport
from scrutiny.models import Recommendation, Source

pytestmark = pytest.mark.django_db

FORMULAS = [
    '=HYPERLINK("http://evil.example/x","click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
]
MARKUP = (
    '<img src="http://evil.example/pixel.png"> <link rel="stylesheet" '
    'href="file:///etc/passwd"> url(http://evil.example/x.css) file:///etc/shadow'
)


@pytest.fixture
def plan() -> Plan:
    plan = Plan.objects.get(slug="reducing-inequalities-2015-16")
    for action, text in zip(plan.actions.order_by("order"), FORMULAS, strict=False):
        Action.objects.filter(pk=action.pk).update(title=text, status_commentary=MARKUP)
    return plan


def test_plan_spreadsheets_keep_formulas_as_text(plan):
    sheet = openpyxl.load_workbook(
        io.BytesIO(render_xlsx(plan, as_at=datetime.date.today()))
    ).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value in FORMULAS]
    assert len(cells) == len(FORMULAS)
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
    rows = list(csv.reader(io.StringIO(render_csv(plan).decode("utf-8-sig"))))
    values = [value for row in rows for value in row]
    for formula in FORMULAS:
        assert "'" + formula in values and formula not in values


def test_impact_and_scrutiny_spreadsheets_keep_formulas_as_text(client):
    assessment = Assessment.objects.get(council__slug="norwich")
    Rating.objects.filter(assessment=assessment).update(comment=FORMULAS[0])
    Assessment.objects.filter(pk=assessment.pk).update(report_subject=FORMULAS[1])
    source = Source.objects.create(
        council=assessment.council,
        title=FORMULAS[2],
        date=datetime.date(2015, 1, 1),
        is_published=True,
    )
    Recommendation.objects.create(
        source=source, reference="1", text=FORMULAS[3], response_comment=FORMULAS[0]
    )
    for url in [
        reverse("impact:assessment-list", args=["norwich"]),
        reverse("scrutiny:register", args=["norwich"]),
    ]:
        response = client.get(url, {"format": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        hostile = [c for row in sheet.iter_rows() for c in row if c.value in FORMULAS]
        assert hostile, url
        assert all(c.data_type == "s" and c.quotePrefix for c in hostile), url


def test_pdfs_fetch_only_our_static_files_and_escape_markup(plan, monkeypatch):
    requested = []
    fetch = rendering.StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        requested.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(rendering.StaticOnlyFetcher, "fetch", spy)
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    CommitteeReport.objects.filter(pk=report.pk).update(purpose=MARKUP, subject=MARKUP[:200])
    report.refresh_from_db()
    html = rendering.render_pack_html(report)
    assert "&lt;img src=&quot;http://evil.example/pixel.png&quot;&gt;" in html
    assert '<img src="http://evil' not in html and '<link rel="stylesheet" href="file:' not in html
    pdf = rendering.html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert requested and all(
        url.startswith(rendering.BASE_URL.rstrip("/") + "/static/") for url in requested
    ), requested
    assert b"evil.example" not in b"".join(url.encode() for url in requested)
