"""Every kind of paper reads right with a screen reader: no findings from pdfua, and the
structure checks of tests/papercheck.py (one Table per HTML table with its headers, charts
as Figures with their reading and their table, the HTML's headings in order, page
furniture as artifacts, title, language and PDF/UA identification), in the PDFs and in
the Word documents. Drafts and published papers; the demo Cabinet report with an
appendix of every kind; a 300-action plan whose tables cross many pages."""

import datetime

import pytest
from django.urls import reverse

from actionplans.loadgen import generate
from actionplans.models import Plan
from councils.models import Committee, User
from reports.models import Appendix, CommitteeReport
from reports.rendering import (
    appendix_paper,
    front_sheet_paper,
    pack_paper,
    plan_paper_html,
    render_appendix_html,
    render_assessment_html,
    render_front_sheet_html,
    render_pack_html,
)
from reports.services import generate_documents
from tests.papercheck import check_docx, check_pdf, read_html
from tests.reports.test_word_papers import report_with_every_kind

pytestmark = pytest.mark.django_db


def made_papers(report):
    """(label, PDF, Word, HTML, title) of each paper publishing makes: the pack, the front
    sheet, then each appendix."""
    documents = generate_documents(report)
    appendices = list(report.appendices.all())
    sources = [
        (render_pack_html(report), pack_paper(report).title),
        (render_front_sheet_html(report), front_sheet_paper(report).title),
    ] + [(render_appendix_html(a), appendix_paper(a).title) for a in appendices]
    assert len(documents) == len(sources)
    return [
        (document.label, document.pdf, document.docx, html, title)
        for document, (html, title) in zip(documents, sources, strict=True)
    ]


@pytest.fixture(scope="module")
def demo_papers(django_db_setup, django_db_blocker):
    """The demo Cabinet report with an appendix of every kind, as published."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            papers = made_papers(report_with_every_kind())
            transaction.set_rollback(True)
    return papers


def big_report() -> CommitteeReport:
    """A 300-action plan in ten workstreams, with a report of one appendix of each kind
    drawn from a plan."""
    generate(councils=1, plans=1, actions=300, updates=2, seed=21)
    plan = Plan.objects.filter(council__slug__startswith="load-").latest("pk")
    council = plan.council
    committee = Committee.objects.create(
        council=council, name="Cabinet", kind=Committee.Kind.CABINET
    )
    report = CommitteeReport.objects.create(
        council=council,
        committee=committee,
        meeting_date=datetime.date(2026, 11, 30),
        item_number="7",
        subject="Corporate plan: progress",
    )
    for order, kind in enumerate(
        ["plan_progress", "progress_summary", "exceptions", "activity_list"], start=1
    ):
        report.appendices.create(
            order=order,
            kind=kind,
            title=Appendix.Kind(kind).label.split(" (")[0],
            plan=plan,
            as_at=datetime.date(2026, 9, 30),
        )
    return report


def test_every_published_paper_reads_right(demo_papers, tmp_path):
    labels = [label for label, *_ in demo_papers]
    assert len(labels) == 8, labels  # pack, front sheet and six appendices
    for label, pdf, _, html, title in demo_papers:
        assert check_pdf(pdf, html, title, tmp_path) == [], label


def test_every_word_paper_reads_right(demo_papers):
    for label, _, docx, html, title in demo_papers:
        assert check_docx(docx, html, title) == [], label


def test_the_checks_see_the_papers_parts(demo_papers):
    """The checks are not vacuous: the papers hold tables with header rows, charts and
    headings of three levels for them to look at."""
    pack_html = demo_papers[0][3]
    source = read_html(pack_html)
    assert len(source.tables) > 15
    assert any(table.head_rows for table in source.tables)
    assert len(source.charts) == 1
    assert {level for level, _ in source.headings} == {1, 2, 3}


def test_draft_papers_read_right(client, tmp_path):
    """Drafts, as the report page gives them: each appendix's PDF on its own, an impact
    assessment's PDF and a plan's paper."""
    report = report_with_every_kind()
    client.force_login(User.objects.get(username="norwich-democratic-services"))
    kinds = set()
    for appendix in report.appendices.all():
        url = reverse("reports:appendix-pdf", args=["norwich", report.pk, appendix.order])
        response = client.get(url)
        assert response.status_code == 200, url
        problems = check_pdf(
            response.content,
            render_appendix_html(appendix),
            appendix_paper(appendix).title,
            tmp_path,
        )
        assert problems == [], appendix.kind
        kinds.add(appendix.kind)
    assert kinds == set(Appendix.Kind.values)
    assessment = report.appendices.get(kind="impact_assessment").assessment
    response = client.get(reverse("reports:assessment-pdf", args=["norwich", assessment.pk]))
    assert response.status_code == 200
    html = render_assessment_html(assessment)
    title = read_title(html)
    assert check_pdf(response.content, html, title, tmp_path) == []


def test_a_plans_paper_reads_right(tmp_path):
    from reports.rendering import render_plan_pdf

    plan = Plan.objects.get(slug="reducing-inequalities-2015-16")
    as_at = datetime.date(2016, 3, 31)
    html, paper = plan_paper_html(plan, as_at)
    assert check_pdf(render_plan_pdf(plan, as_at), html, paper.title, tmp_path) == []


@pytest.mark.slow
def test_a_300_action_plans_papers_read_right(tmp_path):
    """Tables that run over many pages are one table each, their header rows repeated on
    every page as artifacts, every row in its place."""
    papers = made_papers(big_report())
    for label, pdf, docx, html, title in papers:
        assert check_pdf(pdf, html, title, tmp_path) == [], label
        assert check_docx(docx, html, title) == [], label
    appendix = papers[2]
    pages = pdf_pages(appendix[1], tmp_path)
    assert pages > 20, pages  # the tables do cross many pages


def read_title(html: str) -> str:
    import html as entities
    import re

    return entities.unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip())


def pdf_pages(pdf: bytes, tmp_path) -> int:
    import pikepdf

    path = tmp_path / "count.pdf"
    path.write_bytes(pdf)
    with pikepdf.open(path) as document:
        return len(document.pages)


def test_weasyprints_own_tags_fail_these_checks(monkeypatch, tmp_path):
    """Without reports.pdftags the same paper fails: the checks see what it fixes."""
    from reports import pdftags, rendering

    report = report_with_every_kind()
    appendix = report.appendices.get(kind="plan_progress", order=1)
    html = render_appendix_html(appendix)
    monkeypatch.setattr(pdftags, "finish", lambda data, found=None: data)
    problems = check_pdf(
        rendering.html_to_pdf(html), html, appendix_paper(appendix).title, tmp_path
    )
    text = "\n".join(problems)
    for expected in [
        "UA-15-003",  # pdfua: header cells with no /Scope
        "a header cell has no /Scope",
        "Table elements for",  # a table per page
        "is outside the tree",  # page numbers: neither in the tree nor artifacts
    ]:
        assert expected in text, (expected, problems[:20])
