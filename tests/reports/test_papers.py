"""The public committee papers: each published version records what it was published as
(exempt or not, and what its appendices showed, public or not), and the public may
download a version only if it was a public paper then and still is now. Democratic services
see every version on the report page, with the reason any is not public."""

import re

import pytest
from django.urls import reverse

from actionplans.models import Plan
from councils.models import User
from impact.models import Assessment
from reports.models import CommitteeReport, Publication, PublishedFile, public_now_ids
from reports.services import publish_report

pytestmark = pytest.mark.django_db

CONFIDENTIAL = "The negotiating position on the Lakenham site is 1.2 million pounds."


@pytest.fixture
def report(stored_report):
    return stored_report


@pytest.fixture
def fast_pdfs(monkeypatch):
    """Stand-in PDFs that carry the HTML they were made from, so a test can see what a
    file holds; these tests are about who may download it, not its layout."""

    def stand_ins(sections, pack, parts, **kw):
        files = [(pack, "".join(sections))] + list(zip(parts, sections, strict=True))
        return [f"%PDF-1.7 stand-in\n{p.title}\n{html}".encode() for p, html in files]

    monkeypatch.setattr("reports.services.papers_to_pdf", stand_ins)


def clerk() -> User:
    return User.objects.get(username="norwich-democratic-services")


def paper_url(file: PublishedFile) -> str:
    return reverse("reports:paper-file", args=["norwich", file.report_id, file.pk])


def papers_page(client) -> str:
    return client.get(reverse("reports:papers", args=["norwich"])).content.decode()


def downloads(client, files) -> list[int]:
    return [client.get(paper_url(file)).status_code for file in files]


def test_the_public_download_published_papers(client, report):
    files = publish_report(report, by=clerk())
    papers = reverse("reports:papers", args=["norwich"])
    html = client.get(papers).content.decode()
    assert '<h1 class="govuk-heading-xl">Committee papers</h1>' in html
    assert (
        "Reducing inequalities action plan" in html and "Cabinet, 4 November 2015, item 8" in html
    )
    for file in files:
        assert file.label in html
    pack = files[0]
    response = client.get(paper_url(pack))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pack.file.open("rb").read()
    assert 'filename="v1-report-and-appendices.pdf"' in response["Content-Disposition"]
    publication = pack.publication
    assert publication.was_exempt is False and publication.version == 1
    assert {(s.kind, s.title, s.was_public) for s in publication.sources.all()} == {
        ("plan", "Reducing Inequalities Action Plan 2015-16", True),
        ("plan", "Outline pilot activity within Lakenham", True),
    }
    # Only the latest version is listed; earlier ones stay downloadable by their link.
    publish_report(report, by=None)
    html = client.get(papers).content.decode()
    assert "version 2" in html and html.count("Front sheet") == 1
    assert client.get(paper_url(pack)).status_code == 200
    # The council's page links its papers.
    council = client.get(reverse("actionplans:council-detail", args=["norwich"])).content.decode()
    assert papers in council


def test_a_version_published_while_exempt_never_becomes_public(client, report, fast_pdfs):
    """The attack: a report published as exempt, then made public and published again.
    Every file id of the exempt version answers 404 to the public, signed in or not; the
    papers page lists the public version only."""
    report.is_exempt = True
    report.report_text += "\n\n" + CONFIDENTIAL
    report.save()
    exempt_files = publish_report(report, by=clerk())
    assert b"Exempt: not for publication" in exempt_files[1].file.open("rb").read()
    assert CONFIDENTIAL.encode() in exempt_files[0].file.open("rb").read()
    assert downloads(client, exempt_files) == [404] * 4
    assert "Reducing inequalities action plan" not in papers_page(client)

    report.is_exempt = False
    report.report_text = report.report_text.replace(CONFIDENTIAL, "")
    report.save()
    # Made public: the exempt version stays private, whatever its id.
    assert downloads(client, exempt_files) == [404] * 4
    public_files = publish_report(report, by=clerk())
    assert downloads(client, public_files) == [200] * 4
    assert downloads(client, exempt_files) == [404] * 4
    for user in ["norwich-councillor", "norwich-officer", "city-councillor"]:
        client.force_login(User.objects.get(username=user))
        assert downloads(client, exempt_files) == [404] * 4, user
    client.logout()
    # Every id in the range of both versions: only the public version's files are served.
    ids = PublishedFile.objects.filter(report=report).values_list("pk", flat=True)
    served = {
        pk
        for pk in range(max(min(ids) - 2, 1), max(ids) + 3)
        if client.get(reverse("reports:paper-file", args=["norwich", report.pk, pk])).status_code
        == 200
    }
    assert served == {file.pk for file in public_files}
    html = papers_page(client)
    assert "version 2" in html and CONFIDENTIAL not in html


def test_a_version_that_showed_a_private_plan_stays_private_after_the_appendix_goes(
    client, report, fast_pdfs
):
    lakenham = Plan.objects.get(slug="lakenham-pilot-activity")
    lakenham.visibility = Plan.Visibility.PRIVATE
    lakenham.save()
    report.is_exempt = True  # a private plan may only be in an exempt report
    report.save()
    with_private = publish_report(report, by=clerk())
    assert b"Outline pilot activity within Lakenham" in with_private[0].file.open("rb").read()
    report.appendices.get(plan=lakenham).delete()
    report.is_exempt = False
    report.save()
    assert downloads(client, with_private) == [404] * 4  # pack, front sheet, appendices
    without = publish_report(report, by=clerk())
    assert downloads(client, without) == [200] * 3
    assert downloads(client, with_private) == [404] * 4


def test_a_plan_that_stops_being_public_takes_its_papers_with_it(client, report, fast_pdfs):
    files = publish_report(report, by=clerk())
    lakenham = Plan.objects.get(slug="lakenham-pilot-activity")
    for visibility, expected in [("members", 404), ("private", 404), ("public", 200)]:
        lakenham.visibility = visibility
        lakenham.save()
        assert downloads(client, files) == [expected] * 4, visibility
    # Members-only at publication: a members-only paper is never a public one, even once
    # the plan is public again.
    lakenham.visibility = "members"
    lakenham.save()
    members_files = publish_report(report, by=clerk())
    lakenham.visibility = "public"
    lakenham.save()
    assert downloads(client, members_files) == [404] * 4
    client.force_login(User.objects.get(username="norwich-councillor"))
    assert downloads(client, members_files) == [404] * 4
    assert "version 1," in papers_page(client)  # the latest *public* version is listed


def test_a_version_published_before_it_was_recorded_is_not_public(client, report, fast_pdfs):
    files = publish_report(report, by=clerk())
    Publication.objects.filter(pk=files[0].publication_id).update(was_exempt=None)
    assert downloads(client, files) == [404] * 4
    client.force_login(clerk())
    page = client.get(report.get_absolute_url()).content.decode()
    assert "published before the product recorded what each version was published as" in page
    assert all(
        client.get(
            reverse("reports:published-file", args=["norwich", report.pk, file.pk])
        ).status_code
        == 200
        for file in files
    )


def test_assessments_and_registers_must_be_public_too(client, report, fast_pdfs):
    assessment = Assessment.objects.get(council__slug="norwich")
    assessment.state = Assessment.State.COMPLETED  # completed, not published: members only
    assessment.save()
    report.appendices.create(order=3, kind="impact_assessment", assessment=assessment, title="IIA")
    files = publish_report(report, by=clerk())
    sources = {(s.kind, s.was_public) for s in files[0].publication.sources.all()}
    assert ("assessment", False) in sources
    assert downloads(client, files) == [404] * 5
    assessment.state = Assessment.State.PUBLISHED
    assessment.save()
    assert downloads(client, files) == [404] * 5  # it was not public when published
    published = publish_report(report, by=clerk())
    assert downloads(client, published) == [200] * 5


def test_the_report_page_shows_every_version_and_why_one_is_not_public(client, report, fast_pdfs):
    report.is_exempt = True
    report.save()
    publish_report(report, by=clerk())
    report.is_exempt = False
    report.save()
    publish_report(report, by=clerk())
    lakenham = Plan.objects.get(slug="lakenham-pilot-activity")
    client.force_login(clerk())
    page = client.get(report.get_absolute_url()).content.decode()
    states = re.findall(r'class="[^"]*app-publication-state">\s*<p class="govuk-body">(.*?):', page)
    states += re.findall(r'<p class="govuk-body app-publication-state">(.*?):', page)
    assert "Public" in states and "Not public" in states
    assert "It was published while the report was exempt." in page
    lakenham.visibility = "members"
    lakenham.save()
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Plan “Outline pilot activity within Lakenham” is not public now." in page
    # Every version stays downloadable here.
    for file in PublishedFile.objects.filter(report=report):
        url = reverse("reports:published-file", args=["norwich", report.pk, file.pk])
        assert client.get(url).status_code == 200


def test_the_explanation_agrees_with_the_rule(report, fast_pdfs):
    """reasons_not_public() explains Publication.objects.public(): empty exactly for the
    versions the rule lets the public download, whatever has changed since."""
    lakenham = Plan.objects.get(slug="lakenham-pilot-activity")
    for exempt, visibility in [(False, "public"), (True, "public"), (False, "members")]:
        report.is_exempt = exempt
        report.save()
        lakenham.visibility = visibility
        lakenham.save()
        publish_report(report, by=None)
    seen_public = 0
    for exempt, visibility in [(False, "public"), (True, "public"), (False, "members")]:
        CommitteeReport.objects.filter(pk=report.pk).update(is_exempt=exempt)
        Plan.objects.filter(pk=lakenham.pk).update(visibility=visibility)
        public = set(Publication.objects.public().values_list("pk", flat=True))
        now = public_now_ids()
        for publication in Publication.objects.filter(report=report):
            reasons = publication.reasons_not_public(exempt, now)
            assert (publication.pk in public) == (not reasons), (exempt, visibility, reasons)
        seen_public += len(public)
    assert seen_public == 1  # the first version, while the report and plan are public


def test_a_deleted_source_ends_a_papers_public_life(client, report, fast_pdfs):
    files = publish_report(report, by=clerk())
    lakenham = files[0].publication.sources.get(title="Outline pilot activity within Lakenham")
    lakenham.plan = None  # as SET_NULL leaves it when the plan is deleted
    lakenham.save()
    assert downloads(client, files) == [404] * 4


def test_papers_page_queries_do_not_grow_with_reports(
    client, report, fast_pdfs, django_assert_max_num_queries
):
    publish_report(report, by=None)
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
