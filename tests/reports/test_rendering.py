"""Appendices render from one template to HTML and to tagged A4 PDFs, from live data as at
a date, fetching nothing but our own static files."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from actionplans.models import Action, Plan
from actionplans.state import states
from councils.models import Committee, Council, Membership, User
from reports.models import Appendix, CommitteeReport
from reports.rendering import BASE_URL, StaticOnlyFetcher, render_appendix_html, render_appendix_pdf
from reports.services import publish_report
from tests.pdftools import pdf_facts

pytestmark = pytest.mark.django_db


@pytest.fixture
def appendix() -> Appendix:
    council = Council.objects.get(slug="norwich")
    report = CommitteeReport.objects.create(
        council=council,
        committee=Committee.objects.get(council=council, name="Cabinet"),
        meeting_date=datetime.date(2015, 11, 4),
        item_number="8",
        report_of="Executive head of strategy, people and neighbourhoods",
        subject="Reducing inequalities action plan",
    )
    return Appendix.objects.create(
        report=report,
        order=1,
        title="Reducing Inequalities Action Plan 2015-16",
        plan=Plan.objects.get(slug="reducing-inequalities-2015-16"),
        as_at=datetime.date(2015, 10, 20),
    )


def test_pdf_holds_every_action_heading_and_status(appendix, tmp_path):
    text, info, fonts = pdf_facts(render_appendix_pdf(appendix), tmp_path)
    plan = appendix.plan
    for workstream in plan.workstreams.all():
        assert workstream.title in text
    for action in plan.actions.select_related("status"):
        assert action.title in text, action.title
        assert action.status.label in text
    assert "Appendix 1 Reducing Inequalities Action Plan 2015-16" in text
    assert "Progress as at 20 October 2015" in text
    assert "Jobs Fair delivered and local activity trialled in Lakenham" in text
    assert "Norwich City Council – Cabinet, 4 November 2015, item 8" in text  # running header
    assert re.search(r"Page 1 of 3", text)
    assert "Pages: 3" in " ".join(info.split())
    assert "Page size: 841.89 x 595.276 pts (A4)" in " ".join(info.split())
    assert "Tagged: yes" in " ".join(info.split())
    assert (
        "Title: Appendix 1: Reducing Inequalities Action Plan 2015-16 – Norwich City Council"
        in (" ".join(info.split()))
    )
    embedded = [line.split()[-5] for line in fonts.splitlines()[2:] if line.strip()]
    assert embedded and all(flag == "yes" for flag in embedded)


def test_appendix_shows_status_as_at_its_date(appendix, tmp_path):
    appendix.as_at = datetime.date(2015, 9, 30)
    text, _, _ = pdf_facts(render_appendix_pdf(appendix), tmp_path)
    assert "No status reported" in text  # most statuses were first reported on 20 October
    assert "awaiting the Universal Credit roll-out timetable" in text  # the July update


def test_a_status_and_its_marks_read_as_separate_words(appendix, tmp_path):
    """The paper's tables are written without whitespace between tags; the spaces between a
    status, its overdue mark and its % are written out, so they are kept."""
    html = render_appendix_html(appendix)
    assert "</td>\n" not in html and "<tr> " not in html  # no whitespace between tags
    # Each row's text as a reader (or WeasyPrint) takes it from the HTML.
    rows = [
        " ".join(unescape(re.sub(r"<[^>]+>", "", row)).split())
        for row in re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL)
    ]
    statuses = [
        s for s in states(appendix.plan.actions.all(), appendix.as_at) if s.percent is not None
    ]
    assert statuses
    for state in statuses:
        marks = " Overdue" if state.is_overdue else ""
        cell = f"{state.status.label}{marks} {state.percent}%"
        assert any(state.action.title in row and cell in row for row in rows), cell


def test_page_references_are_worked_out_once_for_each_number_of_pages():
    """reports.rendering keeps pydyf's list of page references (WeasyPrint's tagging reads it
    for every box) until a page is added."""
    import pydyf

    pdf = pydyf.PDF()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    first = pdf.page_references
    assert first == tuple(f"{n} 0 R".encode() for n in pdf.pages["Kids"][::3])
    assert pdf.page_references is first and len(first) == 3
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert len(pdf.page_references) == 4
    assert pdf.page_references == tuple(f"{n} 0 R".encode() for n in pdf.pages["Kids"][::3])


def test_html_preview_comes_from_the_same_template(appendix):
    html = render_appendix_html(appendix)
    assert "<h1>Reducing Inequalities Action Plan 2015-16</h1>" in html
    assert html.count('<th scope="col">Action</th>') == 5  # one table per workstream
    assert '<html lang="en-GB">' in html


def test_user_text_is_escaped(appendix, tmp_path):
    action = appendix.plan.actions.first()
    action.title = '<img src="https://evil.example/x.png"> & <b>bold</b>'
    action.save()
    html = render_appendix_html(appendix)
    assert "&lt;img src=" in html and "<img" not in html
    text, _, _ = pdf_facts(render_appendix_pdf(appendix), tmp_path)
    assert '<img src="https://evil.example/x.png"> & <b>bold</b>' in text


def test_the_fetcher_serves_only_our_static_files():
    fetcher = StaticOnlyFetcher()
    css = fetcher.fetch(BASE_URL + "static/reports/appendix.css")
    assert b"@page" in css.read()
    for url in [
        "https://evil.example/x.css",
        "file:///etc/passwd",
        BASE_URL + "static/../../etc/passwd",
    ]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_letters_and_page_numbers_are_the_councils_choice(appendix, tmp_path):
    report = appendix.report
    report.appendix_numbering = CommitteeReport.Numbering.LETTERS
    report.show_page_numbers = False
    report.save()
    appendix.refresh_from_db()
    text, _, _ = pdf_facts(render_appendix_pdf(appendix), tmp_path)
    assert "Appendix A" in text
    assert "Page 1 of" not in text


def test_appendix_plan_must_belong_to_the_reports_council(appendix):
    from django.core.exceptions import ValidationError

    appendix.plan = Plan.objects.get(slug="tackling-social-inequalities")
    with pytest.raises(ValidationError):
        appendix.full_clean()


def test_a_council_with_reports_can_still_be_deleted(appendix):
    council = appendix.report.council
    council.delete()
    assert not CommitteeReport.objects.filter(pk=appendix.report_id).exists()
    assert not Action.objects.filter(plan__council__slug="norwich").exists()


def test_admin_shows_democratic_services_their_own_councils_reports_only(
    client, appendix, council_b
):
    other = CommitteeReport.objects.create(
        council=council_b,
        meeting_date=datetime.date(2016, 1, 1),
        report_of="x",
        subject="Zeta budget",
    )
    officer = User.objects.get(username="norwich-democratic-services")
    officer.is_staff = True
    officer.save()
    client.force_login(officer)
    page = client.get(reverse("admin:reports_committeereport_changelist")).content.decode()
    assert "Reducing inequalities action plan" in page and "Zeta budget" not in page
    assert (
        client.get(reverse("admin:reports_committeereport_change", args=[other.pk])).status_code
        == 302
    )
    councillor = User.objects.get(username="norwich-councillor")
    councillor.is_staff = True
    councillor.save()
    client.force_login(councillor)
    assert client.get(reverse("admin:reports_committeereport_changelist")).status_code == 403
    assert Membership.objects.filter(user=officer, role="democratic_services").exists()


def test_export_plan_writes_a_tagged_pdf_as_at_a_date(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "plan.pdf"
    call_command(
        "export_plan",
        "reducing-inequalities-2015-16",
        format="pdf",
        as_at=datetime.date(2015, 12, 31),
        out=str(out),
    )
    text, info, _ = pdf_facts(out.read_bytes(), tmp_path)
    assert "Reducing Inequalities Action Plan 2015-16" in text
    assert "Progress as at 31 December 2015" in text
    assert "Appendix" not in text  # a plan on its own, not part of a report
    assert "Tagged: yes" in " ".join(info.split())


def test_build_report_writes_the_front_sheet_each_appendix_and_the_whole(tmp_path, capsys):
    from django.core.management import CommandError, call_command

    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    call_command("build_report", str(report.pk), f"--out={tmp_path / 'papers'}")
    files = sorted(p.name for p in (tmp_path / "papers").iterdir())
    assert files == [
        "appendix-1-reducing-inequalities-action-plan-2015-16.pdf",
        "appendix-2-outline-pilot-activity-within-lakenham.pdf",
        "front-sheet.pdf",
        "report-and-appendices.pdf",
    ]
    out = capsys.readouterr().out
    assert out.count("sha256 ") == 4
    assert "the front sheet, 2 appendices and the whole report" in out
    text, info, _ = pdf_facts(
        (tmp_path / "papers" / "report-and-appendices.pdf").read_bytes(), tmp_path
    )
    # The front sheet, then each appendix, in one tagged document.
    assert text.index("Purpose") < text.index("Appendix 1") < text.index("Appendix 2")
    assert "Tagged: yes" in " ".join(info.split())
    with pytest.raises(CommandError, match="No committee report with id 999999"):
        call_command("build_report", "999999", f"--out={tmp_path}")


def test_progress_summary_counts_charts_and_compares_with_the_last_published_report(
    appendix, tmp_path, settings
):
    earlier = CommitteeReport.objects.create(
        council=appendix.report.council,
        committee=appendix.report.committee,
        meeting_date=datetime.date(2015, 9, 2),
        report_of="x",
        subject="Quarter 1 progress",
    )
    Appendix.objects.create(
        report=earlier, order=1, title="Q1", plan=appendix.plan, as_at=datetime.date(2015, 7, 31)
    )
    appendix.kind = Appendix.Kind.PROGRESS_SUMMARY
    appendix.order = 2
    appendix.save()
    # A report that never went out does not count as "the last report".
    assert "This is the first report on this plan." in render_appendix_html(appendix)
    settings.MEDIA_ROOT = tmp_path / "media"
    publish_report(earlier, by=None)
    text, info, _ = pdf_facts(render_appendix_pdf(appendix), tmp_path)
    assert "9 (53%) of 17 actions are complete or on target; 8 (47%) have not started." in text
    assert "Actions by status" in text and "Actions by RAG colour" in text
    assert "Status of actions by workstream" in text
    assert (
        "Changes since the last report (Cabinet, 2 September 2015; progress as at 31 July 2015)"
        in text
    )
    # Universal Credit was Yet to start in July and On target by 20 October.
    assert "Ensure a smooth transition to Universal Credit" in text
    assert "Tagged: yes" in " ".join(info.split())


def test_progress_summary_without_an_earlier_report_says_so(appendix):
    appendix.kind = Appendix.Kind.PROGRESS_SUMMARY
    html = render_appendix_html(appendix)
    assert "This is the first report on this plan." in html
    assert "<svg" in html


def test_exception_report_lists_red_amber_and_overdue_actions(appendix, tmp_path):
    appendix.kind = Appendix.Kind.EXCEPTIONS
    appendix.as_at = datetime.date(2015, 12, 31)
    text, _, _ = pdf_facts(render_appendix_pdf(appendix), tmp_path)
    assert "Promote food growing" in text and "Overdue" in text  # October 2015, not done
    assert "Ensure a smooth transition to Universal Credit" not in text  # on target, in time


def test_full_collections_are_fewer_while_a_paper_is_made_and_as_before_after(monkeypatch):
    """Laying a paper out and writing it raise the garbage collector's last threshold, on
    every thread that makes one, and put back the one before when the last is done."""
    import gc

    import weasyprint

    from reports import rendering

    before = gc.get_threshold()
    seen = []
    real_render = weasyprint.HTML.render

    def render(self, *args, **kwargs):
        seen.append(gc.get_threshold())
        return real_render(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", render)
    with rendering.fewer_full_collections():
        document = rendering.lay_out("<!DOCTYPE html><title>t</title><p>Paper</p>")
        assert gc.get_threshold()[2] == rendering.PAPER_FULL_COLLECTION_THRESHOLD
    assert seen == [(*before[:2], rendering.PAPER_FULL_COLLECTION_THRESHOLD)]
    assert gc.get_threshold() == before
    assert rendering.write_pdf(document).startswith(b"%PDF")
    assert gc.get_threshold() == before
