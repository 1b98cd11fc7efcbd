"""Impact assessments: the seed 000 form and assessment exactly as printed, filling one in as
an officer would, publishing, templates frozen once used, and the assessment as an appendix
of a committee report."""

import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from councils.models import Council, User
from impact import services
from impact.models import Assessment, AssessmentTemplate, Row
from reports.models import Appendix, CommitteeReport
from reports.rendering import render_assessment_html, render_assessment_pdf
from reports.services import generate_documents
from tests.pdftools import page_orientations, pdf_facts

pytestmark = pytest.mark.django_db

SEED = json.loads((Path(settings.BASE_DIR) / "fixtures/demo/norwich.json").read_text())[
    "assessments"
][0]


@pytest.fixture
def seeded() -> Assessment:
    return Assessment.objects.get(council__slug="norwich", report_subject=SEED["report_subject"])


def marks(html: str) -> dict[str, str]:
    """{area: the rating column holding its X} read from the form's HTML, as a reader sees it."""
    found = {}
    for table in re.findall(r'<table class="impact-form__grid.*?</table>', html, re.S):
        labels = re.findall(r'<th scope="col" class="impact-form__rating">(.*?)</th>', table)
        for label, cells in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table, re.S):
            ratings = re.findall(r'<td class="impact-form__mark">(.*?)</td>', cells, re.S)
            ticked = [labels[i] for i, cell in enumerate(ratings) if ">X<" in cell]
            found[label.replace("&amp;", "&")] = ticked[0] if ticked else None
    return found


def login(client, username: str) -> None:
    client.force_login(User.objects.get(username=username))


def test_the_seed_000_form_and_assessment_as_printed(seeded, tmp_path):
    template = seeded.template
    assert [c.title for c in template.categories.all()] == [
        "Economic",
        "Social",
        "Equality and diversity",
        "Environmental",
        "Risk management",
    ]
    assert [r.label for r in template.ratings.all()] == ["Neutral", "Positive", "Negative"]
    assert [s.title for s in template.closing_sections.all()] == [
        "Positive",
        "Negative",
        "Neutral",
        "Issues",
    ]
    html = render_assessment_html(seeded)
    assert marks(html) == {label: rating for label, rating, _ in SEED["ratings"]}
    text, info, fonts = pdf_facts(render_assessment_pdf(seeded), tmp_path)
    for label, _, comment in SEED["ratings"]:
        assert label in text and comment in text, label
    for words in [
        "Committee: Cabinet",
        "Committee date: 4 November 2015",
        "Head of service: Executive head of strategy, people and neighbourhoods",
        "Report subject: Reducing Inequalities Action Plan",
        "Date assessed: 20 October 2015",
        "Recommendations from impact assessment",
        SEED["closing"]["Positive"],
        SEED["closing"]["Negative"],
    ]:
        assert words in text, words
    info = " ".join(info.split())
    assert "Tagged: yes" in info
    assert "Title: Integrated impact assessment: Reducing Inequalities Action Plan" in info
    assert set(page_orientations(render_assessment_pdf(seeded), tmp_path)) == {"portrait"}


def test_an_officer_fills_in_an_equality_assessment_and_it_is_published(client):
    norwich = Council.objects.get(slug="norwich")
    report = CommitteeReport.objects.get(council=norwich, item_number="8")
    equality = AssessmentTemplate.objects.get(council=norwich, name="Equality impact assessment")
    login(client, "norwich-officer")
    start = reverse("impact:assessment-create", args=["norwich"])
    response = client.post(start, {"template": equality.pk, "report_subject": ""})
    assert "Enter the subject of the report being assessed" in response.content.decode()
    # The report an assessment goes with is chosen on the report, by democratic services:
    # the officer's form offers no reports at all.
    assert 'name="report"' not in client.get(start).content.decode()
    header = {
        "template": equality.pk,
        "report_subject": "Lakenham pilot activity",
        "committee": norwich.committees.get(name="Cabinet").pk,
        "committee_date": "2015-11-04",
        "head_of_service": "Head of local neighbourhood services",
        "date_assessed": "2015-10-21",
    }
    response = client.post(start, header | {"report": report.pk})  # ignored
    assessment = Assessment.objects.get(report_subject="Lakenham pilot activity")
    edit = reverse("impact:assessment-edit", args=["norwich", assessment.pk])
    assert response["Location"] == edit
    page = client.get(edit).content.decode()
    assert page.count('type="radio"') == 13 * 5 + 5  # 13 areas x (4 ratings + not rated), outcome
    assert "Comments on Socio-economic disadvantage" in page

    rows = {row.label: row for row in Row.objects.filter(category__template=equality)}
    negative = equality.ratings.get(label="Negative").pk
    positive = equality.ratings.get(label="Positive").pk
    data = {
        f"rating_{rows['Age'].pk}": negative,
        f"rating_{rows['Disability'].pk}": positive,
        f"comment_{rows['Disability'].pk}": "Step-free venues for every session.",
        f"duration_{rows['Disability'].pk}": "long",
        "mitigations-TOTAL_FORMS": "1",
        "mitigations-INITIAL_FORMS": "0",
        "mitigations-MIN_NUM_FORMS": "0",
        "mitigations-MAX_NUM_FORMS": "30",
        "mitigations-0-action": "Offer sessions at times older residents asked for",
        "mitigations-0-owner": "Community engagement officer",
        "mitigations-0-review_date": "2016-03-31",
    }
    response = client.post(edit, data | {"complete": "1"})
    html = response.content.decode()
    assert "Say why the impact on “Age” is negative, and what will be done" in html
    assert "Choose the outcome before completing the assessment" in html
    assessment.refresh_from_db()
    assert assessment.state == "draft" and not assessment.answers.exists()  # nothing half-saved

    data |= {
        f"comment_{rows['Age'].pk}": "Evening sessions exclude some older residents.",
        "outcome": "adjust",
    }
    assert client.post(edit, data | {"complete": "1"}).status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == "completed" and assessment.completed_by.username == "norwich-officer"
    assert assessment.outcome == "adjust" and assessment.mitigations.count() == 1
    assert assessment.answers.get(row=rows["Disability"]).duration == "long"

    state = reverse("impact:assessment-state", args=["norwich", assessment.pk])
    assert client.post(state, {"action": "publish"}).status_code == 403  # officers don't publish
    client.logout()
    assert client.get(assessment.get_absolute_url()).status_code == 404  # not public yet
    login(client, "norwich-democratic-services")
    client.post(state, {"action": "publish"})
    assessment.refresh_from_db()
    assert assessment.state == "published"
    assert client.get(edit).status_code == 403  # published: no more changes
    client.logout()
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert "Evening sessions exclude some older residents." in page
    assert "Adjust the policy or decision" in page
    assert "Community engagement officer" in page


def test_completed_templates_are_frozen_and_new_versions_leave_old_assessments_alone(
    client, seeded
):
    template = seeded.template
    assert template.is_frozen
    login(client, "admin")
    url = reverse("admin:impact_assessmenttemplate_change", args=[template.pk])
    page = client.get(url)
    assert page.status_code == 200 and "cannot change" in page.content.decode()
    assert client.post(url, {"name": "Changed"}).status_code == 403

    newer = services.new_version(template)
    assert newer.version == 2 and newer.previous == template
    assert list(AssessmentTemplate.objects.filter(council=seeded.council).current()) == [
        AssessmentTemplate.objects.get(council=seeded.council, name="Equality impact assessment"),
        newer,
    ]
    pollution = Row.objects.get(category__template=newer, label="Pollution")
    pollution.label = "Air, noise and light pollution"
    pollution.save()
    html = render_assessment_html(seeded)
    assert '<th scope="row">Pollution</th>' in html and "Air, noise" not in html
    assert (
        client.get(reverse("admin:impact_assessmenttemplate_change", args=[newer.pk])).status_code
        == 200
    )
    with pytest.raises(ValueError, match="already has a newer version"):
        services.new_version(template)


def test_an_assessment_in_the_report_pack(seeded, client, tmp_path):
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    login(client, "norwich-democratic-services")
    add = reverse("reports:appendix-add", args=["norwich", report.pk])
    draft = Assessment.objects.create(
        council=report.council, template=seeded.template, report_subject="Unfinished"
    )
    page = client.get(add).content.decode()
    assert "Integrated impact assessment: Reducing Inequalities Action Plan" in page
    assert "Unfinished" not in page  # drafts are not ready for a committee
    response = client.post(
        add, {"kind": "impact_assessment", "assessment": draft.pk, "title": "IIA"}
    )
    assert "Select an impact assessment from the list" in response.content.decode()
    response = client.post(
        add, {"kind": "impact_assessment", "title": "Integrated impact assessment"}
    )
    assert "Choose the impact assessment to include." in response.content.decode()
    client.post(
        add,
        {
            "kind": "impact_assessment",
            "assessment": seeded.pk,
            "title": "Integrated impact assessment",
        },
    )
    appendix = report.appendices.get(order=3)
    assert appendix.kind == Appendix.Kind.IMPACT_ASSESSMENT and appendix.as_at is None
    preview = client.get(reverse("reports:appendix-html", args=["norwich", report.pk, 3]))
    assert marks(preview.content.decode())["Pollution"] == "Negative"

    documents = {d.label: d.pdf for d in generate_documents(report)}
    pack = documents["Report and appendices (one PDF)"]
    text, _, _ = pdf_facts(pack, tmp_path)
    assert "Appendix 3 Integrated impact assessment" in text
    assert "Increased income may lead to increases in for example car use" in text
    assert page_orientations(pack, tmp_path)[-1] == "portrait"
    alone, _, _ = pdf_facts(documents["Appendix 3: Integrated impact assessment"], tmp_path)
    assert "Appendix 3: Integrated impact assessment" in alone  # the running header


def test_list_filters_export_and_impact_across_decisions(client, seeded):
    url = reverse("impact:assessment-list", args=["norwich"])
    html = client.get(url, {"category": "Environmental", "rating": "negative"}).content.decode()
    assert "Reducing Inequalities Action Plan" in html and "1 assessment match" in html
    html = client.get(url, {"category": "Social", "rating": "negative"}).content.decode()
    assert "Reducing Inequalities Action Plan" not in html
    html = client.get(url, {"row": "Pollution", "rating": "negative"}).content.decode()
    assert "Reducing Inequalities Action Plan" in html
    html = client.get(url, {"date_from": "2016-01-01"}).content.decode()
    assert "Reducing Inequalities Action Plan" not in html
    html = client.get(url, {"date_from": "not a date"}).content.decode()
    assert "There is a problem" in html
    assert "The earliest committee date must be a real date" in html

    response = client.get(url, {"category": "Environmental", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 19
    pollution = next(row for row in rows if row[9] == "Pollution")
    assert pollution[0] == "Norwich City Council"
    assert pollution[8] == "Environmental" and pollution[10] == "Negative"
    assert pollution[11] == "Increased income may lead to increases in for example car use"

    areas = reverse("impact:areas", args=["norwich"])
    html = client.get(areas, {"row": "Pollution"}).content.decode()
    assert "Pollution: every decision" in html and 'govuk-tag--red">Negative' in html
    table = re.search(r"Negative ratings by category and year.*?</table>", html, re.S).group(0)
    assert re.search(r"Environmental</th><td[^>]*>2</td>", table)
    assert "Choose an area from the list" in client.get(areas, {"row": "Nope"}).content.decode()


def test_assessments_of_exempt_reports_never_appear_publicly(client, seeded):
    assert seeded.reports.count() == 1  # the demo links it to the Cabinet report
    seeded.reports.update(is_exempt=True)
    url = reverse("impact:assessment-list", args=["norwich"])
    assert "Reducing Inequalities Action Plan" not in client.get(url).content.decode()
    assert client.get(seeded.get_absolute_url()).status_code == 404
    export = client.get(url, {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet.max_row == 1
    areas = client.get(reverse("impact:areas", args=["norwich"]), {"row": "Pollution"})
    assert "Reducing Inequalities" not in areas.content.decode()
    login(client, "norwich-plan-manager")  # those who edit assessments still see it
    assert client.get(seeded.get_absolute_url()).status_code == 200


def test_list_queries_do_not_grow_with_assessments(client, seeded, django_assert_max_num_queries):
    for n in range(5):
        Assessment.objects.create(
            council=seeded.council,
            template=seeded.template,
            report_subject=f"Decision {n}",
            state="published",
        )
    with django_assert_max_num_queries(12):
        html = client.get(reverse("impact:assessment-list", args=["norwich"])).content.decode()
    assert "Decision 4" in html


def test_the_list_across_councils_filters_by_council(client, seeded):
    from impact.standard import INTEGRATED, install

    warwickshire = Council.objects.get(slug="warwickshire")
    template = install(warwickshire, INTEGRATED)
    Assessment.objects.create(
        council=warwickshire,
        template=template,
        report_subject="Social inequalities strategy",
        state="published",
    )
    Assessment.objects.create(
        council=warwickshire,
        template=template,
        report_subject="A draft nobody may see",
    )
    url = reverse("impact:all")
    html = client.get(url).content.decode()
    assert "Reducing Inequalities Action Plan" in html and "Social inequalities strategy" in html
    assert "A draft nobody may see" not in html
    assert "Cabinet (Norwich City Council)" in html  # committees named with their council
    html = client.get(url, {"council": warwickshire.pk}).content.decode()
    assert "Social inequalities strategy" in html and "Reducing Inequalities" not in html
    html = client.get(
        url, {"council": seeded.council_id, "category": "Environmental", "rating": "negative"}
    ).content.decode()
    assert "1 assessment match" in html
    export = client.get(url, {"format": "xlsx"})
    assert 'filename="all-councils-impact-assessments-' in export["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == {
        "Norwich City Council",
        "Warwickshire County Council",
    }
    assert "impact:all" not in html and reverse("impact:all") in client.get("/").content.decode()


def test_the_draft_pdf_of_an_assessment_appendix(seeded, client, tmp_path):
    """An assessment appendix has no plan: its draft PDF is made like any small appendix."""
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    appendix = report.appendices.create(
        order=3, kind=Appendix.Kind.IMPACT_ASSESSMENT, assessment=seeded, title="IIA"
    )
    login(client, "norwich-democratic-services")
    response = client.get(reverse("reports:appendix-pdf", args=["norwich", report.pk, 3]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text, _, _ = pdf_facts(response.content, tmp_path)
    assert "Increased income may lead to increases in for example car use" in text
    assert appendix.label in text
