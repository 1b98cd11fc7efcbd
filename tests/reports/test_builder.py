"""Democratic services build a report in the site: the front sheet, its contact officers and
its appendices, then preview and publish it. Bad input gets a message saying what is wrong;
choices never reach another council's committees or plans."""

import datetime
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils.html import escape

from actionplans.models import Plan
from councils.models import Committee, Council, User
from reports.models import Appendix, CommitteeReport
from reports.rendering import render_front_sheet_html, render_pack_html
from reports.services import generate_documents
from tests.pdftools import page_orientations, pdf_facts

pytestmark = pytest.mark.django_db


@pytest.fixture
def norwich() -> Council:
    return Council.objects.get(slug="norwich")


@pytest.fixture
def clerk(client):
    client.force_login(User.objects.get(username="norwich-democratic-services"))
    return client


def report_data(norwich, **changes) -> dict:
    data = {
        "committee": Committee.objects.get(council=norwich, name="Cabinet").pk,
        "meeting_date": "2016-02-10",
        "item_number": "6",
        "report_of": "Executive head of strategy, people and neighbourhoods",
        "subject": "Reducing inequalities: quarter 3 progress",
        "purpose": "To report progress on the reducing inequalities action plan.",
        "recommendations": "To note progress.\nTo agree the revised deadlines.",
        "corporate_priorities": [norwich.corporate_priorities.first().pk],
        "financial_implications": "None",
        "wards_text": "All wards",
        "background_documents": "None",
        "report_text": "Cabinet agreed the plan in November.\n\nMost actions are on target.",
        "appendix_numbering": "letters",
        "show_page_numbers": "true",
        "contacts-TOTAL_FORMS": "2",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "10",
        "contacts-0-job_title": "Strategy manager",
        "contacts-0-phone": "01603 212356",
        "contacts-0-email": "strategy@example.gov.uk",
        "contacts-1-job_title": "",
    }
    return data | changes


def test_create_a_report_add_appendices_and_preview_it(clerk, norwich, tmp_path):
    response = clerk.post(reverse("reports:report-create", args=["norwich"]), report_data(norwich))
    report = CommitteeReport.objects.get(subject="Reducing inequalities: quarter 3 progress")
    assert response["Location"] == reverse("reports:appendix-add", args=["norwich", report.pk])
    assert report.meeting_date == datetime.date(2016, 2, 10) and report.council == norwich
    assert [c.job_title for c in report.contacts.all()] == ["Strategy manager"]
    assert report.recommendation_list() == ["To note progress.", "To agree the revised deadlines."]
    assert report.created_by.username == "norwich-democratic-services"

    plan = Plan.objects.get(slug="reducing-inequalities-2015-16")
    add = reverse("reports:appendix-add", args=["norwich", report.pk])
    page = clerk.get(add).content.decode()
    assert "Activity list (title, description, priority, partners)" in page
    for kind, title in [
        ("progress_summary", "Progress summary"),
        ("plan_progress", "Reducing Inequalities Action Plan 2015-16"),
        ("exceptions", "Actions behind schedule"),
    ]:
        data = {"kind": kind, "plan": plan.pk, "title": title, "as_at": "2015-12-31"}
        assert clerk.post(add, data).status_code == 302
    assert [str(a) for a in report.appendices.all()] == [
        "Appendix A: Progress summary",
        "Appendix B: Reducing Inequalities Action Plan 2015-16",
        "Appendix C: Actions behind schedule",
    ]

    # Move the progress table first, then remove the summary: the rest close up.
    move = reverse("reports:appendix-move", args=["norwich", report.pk, 2])
    clerk.post(move, {"direction": "up"})
    assert [a.title for a in report.appendices.all()][:2] == [
        "Reducing Inequalities Action Plan 2015-16",
        "Progress summary",
    ]
    remove = reverse("reports:appendix-delete", args=["norwich", report.pk, 2])
    assert "Remove Appendix B: Progress summary?" in clerk.get(remove).content.decode()
    clerk.post(remove)
    assert [(a.order, a.title) for a in report.appendices.all()] == [
        (1, "Reducing Inequalities Action Plan 2015-16"),
        (2, "Actions behind schedule"),
    ]

    detail = clerk.get(report.get_absolute_url()).content.decode()
    assert "Appendix B: Actions behind schedule" in detail
    assert "2 numbered paragraphs" in detail and "Draft PDF" in detail

    pack = clerk.get(reverse("reports:pack-html", args=["norwich", report.pk])).content.decode()
    assert pack.index("Purpose") < pack.index("Appendix A") < pack.index("Appendix B")
    assert "<title>Reducing inequalities: quarter 3 progress: report and appendices" in pack


def test_bad_input_says_what_is_wrong_and_saves_nothing(clerk, norwich, council_b):
    url = reverse("reports:report-create", args=["norwich"])
    other_committee = Committee.objects.create(council=council_b, name="Scrutiny")
    data = report_data(
        norwich,
        committee=other_committee.pk,
        meeting_date="31/02/2016",
        subject="",
        **{"contacts-1-email": "not an email", "contacts-1-job_title": "Clerk"},
    )
    response = clerk.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Error: New committee report" in html
    assert "Select a committee from the list" in html  # another council's is not a choice
    assert "The meeting date must be a real date" in html
    assert "Enter the report&#x27;s subject" in html
    assert (
        "Contact officer 2: Enter the email address in the correct format, like name@example.com"
        in html
    )
    assert not CommitteeReport.objects.filter(report_of=data["report_of"], item_number="6")


def test_appendix_choices_stay_in_the_council(clerk, norwich, council_b):
    report = CommitteeReport.objects.get(council=norwich, item_number="8")
    other_plan = Plan.objects.create(council=council_b, slug="theirs", title="Their plan")
    add = reverse("reports:appendix-add", args=["norwich", report.pk])
    assert "Their plan" not in clerk.get(add).content.decode()
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    data = {"kind": "plan_progress", "plan": other_plan.pk, "title": "", "as_at": tomorrow}
    html = clerk.post(add, data).content.decode()
    assert "Select a plan from the list" in html
    assert "Enter the appendix title, as it is to be printed" in html
    mine = Plan.objects.get(slug="reducing-inequalities-2015-16").pk
    data |= {"plan": mine, "title": "Progress"}
    html = clerk.post(add, data).content.decode()
    assert "Progress can only be reported as at today or earlier." in html
    assert report.appendices.count() == 2


def test_front_sheet_pdf_and_whole_report(tmp_path):
    """The front sheet holds every field of the paper's cover, in A4 portrait; the whole
    report is the front sheet then each appendix, each on pages of its own orientation."""
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    documents = {d.label: d.pdf for d in generate_documents(report)}
    assert list(documents) == [
        "Report and appendices (one PDF)",
        "Front sheet",
        "Appendix 1: Reducing Inequalities Action Plan 2015-16",
        "Appendix 2: Outline pilot activity within Lakenham",
    ]
    text, info, fonts = pdf_facts(documents["Front sheet"], tmp_path)
    for words in [
        "Report to Cabinet",
        "Date 4 November 2015",
        "Item 8",
        "Report of Executive head of strategy, people and neighbourhoods",
        "Subject Reducing inequalities action plan",
        "Purpose To consider proposals",
        "Recommendation To approve the attached action plan programme",
        "The report helps to meet the corporate priority “A fair city”.",
        "Financial implications None – activity to be met from within existing budgets",
        "Ward/s: All wards generally and Lakenham specifically",
        "Cabinet members: Cabinet member for fairness and equality; Leader of the council",
        "Head of local neighbourhood services, 01603 212373",
        "Background documents None",
        "Report Cabinet agreed a reducing inequalities action plan in March 2015.",
        "Appendix 2: Outline pilot activity within Lakenham",
    ]:
        assert words in text, words
    assert "Tagged: yes" in " ".join(info.split())
    title = "Reducing inequalities action plan: report to Cabinet, 4 November 2015, item 8"
    assert f"Title: {title}" in " ".join(info.split())
    assert "yes" in fonts  # embedded
    assert set(page_orientations(documents["Front sheet"], tmp_path)) == {"portrait"}

    pack = documents["Report and appendices (one PDF)"]
    text, info, _ = pdf_facts(pack, tmp_path)
    orientations = page_orientations(pack, tmp_path)
    assert orientations[0] == "portrait" and orientations[-1] == "landscape"
    # Each section is numbered on its own, in the pack as in its own file.
    assert re.findall(r"Page \d+ of \d+", text) == [
        "Page 1 of 2", "Page 2 of 2", "Page 1 of 3", "Page 2 of 3", "Page 3 of 3",
        "Page 1 of 2", "Page 2 of 2",
    ]  # fmt: skip
    assert (
        text.index("Purpose") < text.index("Appendix 1 Reducing") < text.index("Appendix 2 Outline")
    )
    for action in report.appendices.get(order=1).plan.actions.select_related("status"):
        assert action.title in text and action.status.label in text
    lakenham = report.appendices.get(order=2).plan.actions.all()
    for action in lakenham:
        assert action.title in text and action.priority in text
    assert "Tagged: yes" in " ".join(info.split())


def test_publishing_lays_out_the_pack_once_and_writes_each_file_from_its_pages(
    tmp_path, monkeypatch
):
    """The front sheet and each appendix are the pack's own pages, under their own title:
    WeasyPrint lays out one document, and each file reads exactly as those pages do."""
    import weasyprint

    layouts = []
    render = weasyprint.HTML.render
    monkeypatch.setattr(
        weasyprint.HTML, "render", lambda self, **kw: layouts.append(1) or render(self, **kw)
    )
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    documents = generate_documents(report)
    assert len(layouts) == 1

    def pages(pdf: bytes) -> list[str]:
        path = tmp_path / "paper.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True)
        return text.stdout.decode().split("\f")[:-1]

    pack, *files = documents
    pack_pages = pages(pack.pdf)
    start = 0
    for document in files:
        own = pages(document.pdf)
        assert own == pack_pages[start : start + len(own)], document.label
        assert f"Page {len(own)} of {len(own)}" in own[-1]
        assert (
            page_orientations(document.pdf, tmp_path)
            == page_orientations(pack.pdf, tmp_path)[start : start + len(own)]
        )
        start += len(own)
    assert start == len(pack_pages)
    _, info, _ = pdf_facts(files[1].pdf, tmp_path)
    assert (
        "Title: Appendix 1: Reducing Inequalities Action Plan 2015-16 – Norwich City Council"
        in " ".join(info.split())
    )


def test_the_parts_written_alongside_the_pack_equal_those_written_in_turn(settings, monkeypatch):
    """The front sheet and appendices are written by a forked copy of the process while
    the pack is written here: the files are byte for byte those written one after the
    other, and a copy that dies leaves the parts to be written here after all."""
    import os

    from reports import rendering

    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    settings.PAPERS_WRITE_IN_PARALLEL = False
    in_turn = [document.pdf for document in generate_documents(report)]
    settings.PAPERS_WRITE_IN_PARALLEL = True
    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # a one-core runner still tests it
    if not rendering._writes_in_parallel():  # Windows and macOS start processes afresh
        pytest.skip("no fork here: papers are always written in turn")
    alongside = [document.pdf for document in generate_documents(report)]
    assert len(alongside) == len(in_turn) > 2

    def undated(pdf: bytes) -> bytes:  # the files differ only in when they were written
        return re.sub(rb"\(D:[0-9+\-Z']+\)|<xmp:\w+Date>[^<]*<", b"", pdf)

    assert [undated(pdf) for pdf in alongside] == [undated(pdf) for pdf in in_turn]
    monkeypatch.setattr(rendering, "_write_and_send", lambda parts, sender: os._exit(1))
    after_a_death = [document.pdf for document in generate_documents(report)]
    assert [len(pdf) for pdf in after_a_death] == [len(pdf) for pdf in in_turn]


def test_activity_list_shows_title_description_priority_and_partners(tmp_path):
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    appendix = report.appendices.get(order=2)
    assert appendix.kind == Appendix.Kind.ACTIVITY_LIST
    html = render_pack_html(report)
    assert '<th scope="col">Possible partners and links</th>' in html
    gp = appendix.plan.actions.get(title="GP referrals to debt advice")
    assert escape(gp.description[:60]) in html and escape(gp.partners_note[:40]) in html
    assert "As at 20 October 2015" in html


def test_exempt_front_sheet_says_so():
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    html = render_front_sheet_html(report)
    assert '<ol class="numbered-list report-paragraphs"><li>Cabinet agreed' in html
    assert "Exempt" not in html
    report.is_exempt = True
    assert "Exempt: not for publication." in render_front_sheet_html(report)


def test_a_large_appendix_is_not_laid_out_in_the_request(clerk, monkeypatch):
    monkeypatch.setattr("reports.views.IN_REQUEST_ACTION_LIMIT", 5)
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    response = clerk.get(reverse("reports:appendix-pdf", args=["norwich", report.pk, 1]))
    assert response.status_code == 409
    assert "Appendix 1 is generated when you publish" in response.content.decode()
    detail = clerk.get(report.get_absolute_url()).content.decode()
    assert "PDF and Word made when published" in detail


def test_report_page_queries_do_not_grow_with_appendices(clerk, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    url = report.get_absolute_url()
    with CaptureQueriesContext(connection) as two:
        assert clerk.get(url).status_code == 200
    plan = Plan.objects.get(slug="reducing-inequalities-2015-16")
    for order in range(3, 9):
        report.appendices.create(
            order=order, title=f"Extra {order}", plan=plan, as_at=plan.period_start
        )
    with django_assert_num_queries(len(two)):
        html = clerk.get(url).content.decode()
    assert "Appendix 8: Extra 8" in html


def test_a_private_plan_goes_only_into_an_exempt_report(clerk, norwich, settings, tmp_path):
    """Democratic services may open private plans, to put one into an exempt (Part B)
    report; nowhere else. A report with one stays exempt, and a plan made private after it
    was added stops the report being published until the report is exempt."""
    settings.MEDIA_ROOT = tmp_path
    report = CommitteeReport.objects.get(council=norwich, item_number="8")
    confidential = Plan.objects.create(
        council=norwich,
        slug="site-disposals",
        title="Site disposals programme",
        lifecycle="approved",
        visibility="private",
    )
    assert clerk.get(confidential.get_absolute_url()).status_code == 200
    add = reverse("reports:appendix-add", args=["norwich", report.pk])
    assert "Site disposals programme" in clerk.get(add).content.decode()
    data = {"kind": "plan_progress", "plan": confidential.pk, "title": "Disposals"}
    data["as_at"] = "2015-10-20"
    html = clerk.post(add, data).content.decode()
    assert (
        escape("“Site disposals programme” is a private plan: it can only be in an exempt") in html
    )
    assert report.appendices.count() == 2

    report.is_exempt = True
    report.save()
    assert clerk.post(add, data).status_code == 302
    assert report.appendices.filter(plan=confidential).exists()
    edit = reverse("reports:report-edit", args=["norwich", report.pk])
    form = report_data(norwich, item_number="8")  # is_exempt left out: unticked
    html = clerk.post(edit, form).content.decode()
    assert "Appendix 3 shows the private plan “Site disposals programme”" in html
    report.refresh_from_db()
    assert report.is_exempt

    # A plan of a public report made private afterwards: publishing says so and waits.
    report.appendices.filter(plan=confidential).delete()
    CommitteeReport.objects.filter(pk=report.pk).update(is_exempt=False)
    Plan.objects.filter(slug="lakenham-pilot-activity").update(visibility="private")
    publish = reverse("reports:report-publish", args=["norwich", report.pk])
    page = clerk.post(publish, follow=True).content.decode()
    assert "Appendix 2: " in page and "is a private plan" in page
    assert not report.builds.exists()


def test_an_officer_is_offered_only_plans_they_may_open(client, norwich):
    """The officer's impact-assessment form offers only plans they may open."""
    Plan.objects.create(council=norwich, slug="draft-x", title="Draft strategy X")
    client.force_login(User.objects.get(username="norwich-officer"))
    page = client.get(reverse("impact:assessment-create", args=["norwich"])).content.decode()
    assert "Draft strategy X" not in page
    assert "Reducing Inequalities Action Plan 2015-16" in page
    assert 'name="report"' not in page  # reports link assessments, on the report


def test_making_papers_again_and_again_leaves_no_garbage_behind(settings, monkeypatch):
    """A worker publishes for months. What each publication leaves (WeasyPrint's boxes and
    pages, which hold cycles) must be collected by the garbage collector as it runs, with no
    gc.collect() of our own: the forked writers once froze and unfroze the heap, which left
    each publication's garbage where no automatic collection reached it, and a worker grew
    by 10 MB a publication."""
    import gc
    import os

    from reports import rendering

    settings.PAPERS_WRITE_IN_PARALLEL = True
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    if not rendering._writes_in_parallel():
        pytest.skip("no fork here: papers are always written in turn")
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    gc.collect()
    tracked = []
    for _ in range(6):
        generate_documents(report)
        tracked.append(len(gc.get_objects()))
    gc.collect()
    live = len(gc.get_objects())
    # Garbage waiting for a collection rises and falls as the collector runs; it does not
    # pile up publication by publication (it grew by a tenth of the live objects with each).
    assert max(tracked[-2:]) - max(tracked[:2]) < live // 10, (live, tracked)
