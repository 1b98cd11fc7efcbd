"""Every paper also comes as a Word document made from the same HTML as its PDF: the same
words (every action title, status word, comment and figure), real headings and tables,
landscape where the PDF is, opened by LibreOffice without complaint, stored with the version
and its SHA-256 and downloaded under the same rules as the PDF."""

import datetime
import hashlib
import io
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from actionplans.models import Plan
from actionplans.state import states
from councils.models import User
from impact.models import Assessment
from reports.models import CommitteeReport
from reports.services import generate_documents, publish_report
from scrutiny.models import Source
from tests.pdftools import page_orientations, pdf_facts

pytestmark = pytest.mark.django_db

SCRUTINY_CSV = Path(__file__).parent.parent / "scrutiny" / "welfare_recommendations.csv"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def documents(django_db_setup, django_db_blocker):
    """The demo Cabinet report with an appendix of every kind, made once: its PDFs and Word
    documents by label."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            report = report_with_every_kind()
            made = {d.label: d for d in generate_documents(report)}
            transaction.set_rollback(True)
    return made


def report_with_every_kind() -> CommitteeReport:
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    plan = Plan.objects.get(slug="reducing-inequalities-2015-16")
    as_at = datetime.date(2016, 3, 31)
    order = report.appendices.count()
    for kind, title in [
        ("progress_summary", "Progress summary"),
        ("exceptions", "Exception report"),
    ]:
        order += 1
        report.appendices.create(order=order, kind=kind, title=title, plan=plan, as_at=as_at)
    assessment = Assessment.objects.filter(council__slug="norwich").first()
    order += 1
    report.appendices.create(
        order=order, kind="impact_assessment", assessment=assessment, title="Impact assessment"
    )
    source = scrutiny_source()
    if source is not None:
        order += 1
        report.appendices.create(
            order=order,
            kind="recommendations",
            scrutiny_source=source,
            title="Executive responses to recommendations",
        )
    return report


def scrutiny_source() -> Source | None:
    if not SCRUTINY_CSV.exists():
        return None
    call_command(
        "import_recommendations",
        str(SCRUTINY_CSV),
        council="norwich",
        title="Welfare reforms scrutiny inquiry",
        date="2014-03-10",
        body="Welfare reforms scrutiny panel",
        map=["Accepted in principle=In part"],
        stdout=io.StringIO(),
    )
    return Source.objects.get(council__slug="norwich", title="Welfare reforms scrutiny inquiry")


def words(text: str) -> str:
    """The words, without the numbers of numbered paragraphs ("3."): Word numbers a list
    itself, so they are not in its text."""
    return " ".join(w for w in text.replace("’", "'").split() if not re.fullmatch(r"\d+\.", w))


def docx_text(data: bytes) -> str:
    """Every word of a Word document in reading order: paragraphs, and each table's cells
    row by row where the table stands."""
    document = Document(io.BytesIO(data))
    parts = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            parts.append(Paragraph(element, document).text)
        elif element.tag == qn("w:tbl"):
            for row in Table(element, document).rows:
                seen = set()
                for cell in row.cells:  # a merged cell is listed once for each column
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        parts.append(cell.text)
    return words(" ".join(parts))


def test_every_kind_of_appendix_is_there(documents):
    kinds = " ".join(documents)
    for title in [
        "Front sheet",
        "Reducing Inequalities Action Plan",
        "Outline pilot activity",
        "Progress summary",
        "Exception report",
        "Impact assessment",
    ]:
        assert title in kinds, (title, list(documents))
    assert all(document.docx for document in documents.values())


def test_the_word_documents_say_what_the_pdfs_say(documents, tmp_path):
    """Every run of words in a Word document is in its PDF, and every action's title,
    status word, commentary and % of the plan appendices is in both."""
    checked = 0
    for label, document in documents.items():
        pdf_text = words(pdf_facts(document.pdf, tmp_path)[0])
        for block in docx_blocks(document.docx):
            tokens = block.split(" ")
            for start in range(0, max(len(tokens) - 5, 0) + 1, 5):
                window = " ".join(tokens[start : start + 6])
                if len(window) >= 12:
                    assert window in pdf_text, (label, window)
                    checked += 1
    assert checked > 500
    plan = Plan.objects.get(slug="reducing-inequalities-2015-16")
    appendix = next(d for label, d in documents.items() if label.startswith("Appendix 1:"))
    pdf_text = words(pdf_facts(appendix.pdf, tmp_path)[0])
    word_text = docx_text(appendix.docx)
    for state in states(plan.actions.all(), appendix.appendix.as_at):
        expected = [words(state.action.title), state.status.label if state.status else ""]
        expected += [words(state.commentary)[:60]]
        if state.percent is not None:
            expected.append(f"{state.percent}%")
        for text in filter(None, expected):
            assert text in word_text, (state.action.title, text)
            assert text in pdf_text, (state.action.title, text)


def docx_blocks(data: bytes) -> list[str]:
    """Each paragraph's and each table cell's words."""
    document = Document(io.BytesIO(data))
    blocks = []
    for element in document.element.body.iter():
        if element.tag == qn("w:p"):
            text = words(Paragraph(element, document).text)
            if text:
                blocks.append(text)
    return blocks


def test_headings_tables_and_status_words_are_real_word_structure(documents):
    document = Document(
        io.BytesIO(documents["Appendix 1: Reducing Inequalities Action Plan 2015-16"].docx)
    )
    styles = [p.style.name for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert styles[0] == "Heading 1"
    assert "Heading 2" in styles
    levels = [int(s[-1]) for s in styles]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))  # no level skipped
    assert document.tables
    for table in document.tables:
        first = table.rows[0]._tr
        assert (
            first.find(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}trPr/"
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader"
            )
            is not None
        )
        for row in table.rows:
            assert (
                row._tr.trPr.find(
                    "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cantSplit"
                )
                is not None
            )
    xml = document.element.xml
    assert "On target" in xml or "Ongoing" in xml
    assert 'w:fill="CCE2D8"' in xml  # a green status's fill, beside its word
    properties = document.core_properties
    assert properties.language == "en-GB"
    assert properties.title.startswith("Appendix 1: Reducing Inequalities Action Plan 2015-16")
    assert "Cabinet" in properties.subject
    header = " ".join(p.text for p in document.sections[0].header.paragraphs)
    assert "Norwich City Council – Cabinet, 4 November 2015" in header
    footer = document.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer


def test_charts_are_pictures_with_their_text(documents):
    summary = next(d for label, d in documents.items() if "Progress summary" in label)
    document = Document(io.BytesIO(summary.docx))
    pictures = document.inline_shapes
    assert len(pictures) >= 1
    described = pictures[0]._inline.docPr.get("descr")
    assert described and "action" in described.lower()
    # Followed by the table of its numbers: a row for each workstream, a column for each
    # colour, and the total.
    body = list(document.element.body.iterchildren())
    at = next(i for i, e in enumerate(body) if e.xpath(".//pic:pic"))
    following = next(e for e in body[at + 1 :] if e.tag == qn("w:tbl"))
    table = Table(following, document)
    header = [cell.text for cell in table.rows[0].cells]
    assert header[0] == "Workstream" and header[-1] == "Total", header
    assert len(table.rows) > 2  # the header and a row for each workstream


def test_libreoffice_opens_each_one_with_the_pdfs_orientation(documents, tmp_path):
    for label, document in documents.items():
        name = re.sub(r"\W+", "-", label)[:40]
        path = tmp_path / f"{name}.docx"
        path.write_bytes(document.docx)
        result = subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
            capture_output=True,
            text=True,
            timeout=120,
            env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        )
        converted = tmp_path / f"{name}.pdf"
        assert result.returncode == 0 and converted.exists(), (label, result.stderr[-500:])
        assert "error" not in result.stderr.lower().replace("javaldx", ""), result.stderr
        word_pages = page_orientations(converted.read_bytes(), tmp_path)
        pdf_pages = page_orientations(document.pdf, tmp_path)
        # The same orientations in the same order (page counts differ by layout).
        assert dedupe(word_pages) == dedupe(pdf_pages), label


def dedupe(orientations: list[str]) -> list[str]:
    return [o for i, o in enumerate(orientations) if i == 0 or orientations[i - 1] != o]


def test_publishing_stores_each_word_document_with_its_sha256(client):
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    clerk = User.objects.get(username="norwich-democratic-services")
    files = publish_report(report, by=clerk)
    assert all(f.word and f.word_sha256 for f in files)
    client.force_login(clerk)
    for published in files:
        url = reverse("reports:published-word", args=["norwich", report.pk, published.pk])
        response = client.get(url)
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        assert hashlib.sha256(body).hexdigest() == published.word_sha256
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert published.word_filename.endswith(".docx")
    page = client.get(reverse("reports:report-detail", args=["norwich", report.pk]))
    assert files[0].word_sha256 in page.content.decode()
    # The public papers: the same rule as the PDF.
    client.logout()
    public = reverse("reports:paper-word", args=["norwich", report.pk, files[0].pk])
    pdf = reverse("reports:paper-file", args=["norwich", report.pk, files[0].pk])
    assert client.get(public).status_code == client.get(pdf).status_code
    report.is_exempt = True
    report.save()
    assert client.get(public).status_code == 404
    # Someone of another council: 404 for the report's own download.
    client.force_login(User.objects.get(username="city-plan-manager"))
    url = reverse("reports:published-word", args=["norwich", report.pk, files[0].pk])
    assert client.get(url).status_code == 404


def test_the_commands_write_word(tmp_path):
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    out = io.StringIO()
    call_command("build_report", report.pk, out=tmp_path / "papers", format="docx", stdout=out)
    written = sorted(p.name for p in (tmp_path / "papers").iterdir())
    assert written[0].endswith(".docx") and len(written) == report.appendices.count() + 2
    for path in (tmp_path / "papers").iterdir():
        Document(str(path))  # each opens
    call_command(
        "export_plan",
        "reducing-inequalities-2015-16",
        format="docx",
        out=tmp_path / "plan.docx",
        as_at=datetime.date(2016, 3, 31),
        stdout=out,
    )
    text = docx_text((tmp_path / "plan.docx").read_bytes())
    assert "Progress as at 31 March 2016" in text
    assert "Ensure a smooth transition to Universal Credit" in text


def test_drafts_come_in_word_from_the_report_builder(client):
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    client.force_login(User.objects.get(username="norwich-democratic-services"))
    page = client.get(reverse("reports:report-detail", args=["norwich", report.pk]))
    html = page.content.decode()
    for name, args in [
        ("reports:front-sheet-docx", ["norwich", report.pk]),
        ("reports:pack-docx", ["norwich", report.pk]),
        ("reports:appendix-docx", ["norwich", report.pk, 1]),
    ]:
        url = reverse(name, args=args)
        assert url in html, name
        response = client.get(url)
        assert response.status_code == 200, name
        assert response["Content-Disposition"].endswith('.docx"')
        text = docx_text(response.content)
        assert "Reducing inequalities action plan" in text or "Reducing Inequalities" in text
    appendix_text = docx_text(
        client.get(reverse("reports:appendix-docx", args=["norwich", report.pk, 1])).content
    )
    assert "Ensure a smooth transition to Universal Credit" in appendix_text


def test_a_large_plans_draft_is_made_by_publishing(client, settings, monkeypatch):
    import reports.views

    monkeypatch.setattr(reports.views, "IN_REQUEST_ACTION_LIMIT", 3)
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    client.force_login(User.objects.get(username="norwich-democratic-services"))
    for url in [
        reverse("reports:appendix-docx", args=["norwich", report.pk, 1]),
        reverse("reports:pack-docx", args=["norwich", report.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 409
        assert "Word document takes too long" in response.content.decode()


def test_no_two_tables_touch(documents):
    """Word joins two tables with nothing between them into one table (the impact form has
    a table per category, one after another)."""
    for label, document in documents.items():
        body = [
            element.tag
            for element in Document(io.BytesIO(document.docx)).element.body.iterchildren()
        ]
        touching = [i for i in range(1, len(body)) if body[i] == body[i - 1] == qn("w:tbl")]
        assert not touching, label
