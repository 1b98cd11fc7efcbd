"""The scrutiny register: recommendations with parts in natural order, imported from the
spreadsheet shape councils use, the executive's responses, links to the actions that
deliver them, public registers, and the committee-report appendix."""

import datetime
import io
import random
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from actionplans.models import Action, Plan
from councils.models import Council, User
from reports.models import Appendix, CommitteeReport
from reports.services import generate_documents
from scrutiny.models import Recommendation, Source, add_months, sort_key
from tests.pdftools import page_orientations, pdf_facts

pytestmark = pytest.mark.django_db

CSV = Path(__file__).with_name("welfare_recommendations.csv")


@pytest.fixture
def norwich() -> Council:
    return Council.objects.get(slug="norwich")


@pytest.fixture
def source(norwich) -> Source:
    call_command(
        "import_recommendations",
        str(CSV),
        council="norwich",
        title="Welfare reforms scrutiny inquiry",
        date="2014-03-10",
        body="Welfare reforms scrutiny panel",
        map=["Accepted in principle=In part"],
    )
    return Source.objects.get(council=norwich, title="Welfare reforms scrutiny inquiry")


def rec(source, reference) -> Recommendation:
    return source.recommendations.get(reference=reference)


def login(client, username):
    client.force_login(User.objects.get(username=username))


def test_references_keep_their_parts_in_natural_order():
    references = ["1", "2", "9", "10", "10a", "10b", "10c", "10d", "11", "12a", "12b", "100"]
    shuffled = random.Random(4).sample(references, len(references))
    assert sorted(shuffled, key=sort_key) == references
    assert add_months(datetime.date(2014, 12, 31), 2) == datetime.date(2015, 2, 28)


def test_import_from_the_councils_spreadsheet(capsys, source):
    assert [r.reference for r in source.recommendations.all()] == [
        *map(str, range(1, 10)),
        "10",
        "10a",
        "10b",
        "10c",
    ]
    assert rec(source, "1").text == (
        "That the council maps the households most affected by welfare changes.\n\n"
        "This should include private rented tenants."
    )
    assert rec(source, "2").response.label == "Agreed"  # "Yes"
    assert rec(source, "7").response.label == "In part"  # "Partially"
    assert rec(source, "10b").response.label == "In part"  # mapped from "Accepted in principle"
    assert rec(source, "10c").response.label == "Not agreed"  # "No"
    assert rec(source, "10c").response_comment == "Not affordable this year."
    assert rec(source, "10").response is None
    assert source.response_due == datetime.date(2014, 5, 10)  # two months after
    assert rec(source, "3").due_date == datetime.date(2014, 5, 10)
    assert "Imported 13 recommendations (Agreed 6, In part 3, Not agreed 2, Not stated 1, " in (
        capsys.readouterr().out
    )


def test_unknown_words_are_listed_and_nothing_is_written(norwich):
    with pytest.raises(CommandError, match=r"“Accepted in principle” \(rows 14\)"):
        call_command(
            "import_recommendations", str(CSV), council="norwich", title="T", date="2014-03-10"
        )
    assert not Source.objects.filter(title="T").exists()


def test_bad_rows_are_reported_by_row_and_column(norwich, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "#,Recommendation,Agree?,Comment\n1,First,Agreed,\n1,Again,Agreed,\n2,,Agreed,\n"
        "x9,Third,Agreed,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        call_command("import_recommendations", str(path), council="norwich", title="Bad")
    message = str(error.value)
    assert "Row 3: recommendation 1 appears twice (also row 2)" in message
    assert "Row 4, column B: recommendation 2 has no text" in message
    assert "Row 5, column A: “x9” is not a recommendation number such as 7 or 10a" in message
    assert not Source.objects.filter(title="Bad").exists()


def test_import_in_the_browser_with_a_preview_and_word_mapping(client, norwich):
    login(client, "norwich-democratic-services")
    url = reverse("scrutiny:import", args=["norwich"])
    upload = SimpleUploadedFile("recs.csv", CSV.read_bytes(), content_type="text/csv")
    response = client.post(
        url,
        {
            "spreadsheet": upload,
            "title": "Welfare inquiry",
            "date": "2014-03-10",
            "committee": norwich.committees.get(name="Cabinet").pk,
        },
    )
    preview = response["Location"]
    html = client.get(preview).content.decode()
    assert "13 recommendations." in html and "“Accepted in principle”: not known" in html
    html = client.post(preview, {"confirm": "1"}).content.decode()
    assert "Choose what “Accepted in principle” means" in html
    assert not Source.objects.filter(title="Welfare inquiry").exists()
    in_part = norwich.response_options.get(label="In part").pk
    response = client.post(preview, {"confirm": "1", "word_0": in_part})
    source = Source.objects.get(title="Welfare inquiry")
    assert response["Location"] == source.get_absolute_url()
    assert source.recommendations.count() == 13 and source.committee.name == "Cabinet"
    page = client.get(source.get_absolute_url()).content.decode()
    assert "Agreed 6, In part 3, Not agreed 2, Not stated 1, No response yet 1" in page


def test_register_filters_counts_and_export(client, source, norwich):
    source.is_published = True
    source.save()
    holder = norwich.portfolio_holders.first()
    Recommendation.objects.filter(pk=rec(source, "9").pk).update(portfolio_holder=holder)
    url = reverse("scrutiny:register", args=["norwich"])
    html = client.get(url).content.decode()
    assert "Agreed 6, In part 3, Not agreed 2, Not stated 1, No response yet 1" in html
    html = client.get(url, {"response": "not_agreed"}).content.decode()
    assert "2 recommendations" in html and "Suppliers pay the real living wage" in html
    html = client.get(url, {"portfolio": holder.pk}).content.decode()
    assert "1 recommendation<" in html and "briefing on Universal Credit" in html
    export = client.get(url, {"response": "agreed", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in rows] == ["1", "2", "6", "8", "9", "10a"]
    assert rows[0][3] == "Agreed" and rows[0][4] == "Work has started with the housing team."


def test_accepted_recommendations_link_to_actions_and_show_their_progress(client, source):
    plan = Plan.objects.get(slug="reducing-inequalities-2015-16")
    one = rec(source, "1")
    login(client, "norwich-councillor")
    link = reverse("scrutiny:link-actions", args=["norwich", one.pk])
    assert client.get(link).status_code == 403
    login(client, "city-councillor")
    assert client.get(link).status_code == 404
    login(client, "norwich-plan-manager")
    chosen = list(plan.actions.filter(title__startswith="Ensure a smooth transition"))
    chosen += list(plan.actions.filter(title__startswith="Encourage residents to take up"))
    form = client.get(link, {"plan": plan.pk}).content.decode()
    assert chosen[0].title in form
    client.post(f"{link}?plan={plan.pk}", {"actions": [a.pk for a in chosen]})
    assert set(one.actions.all()) == set(chosen)
    page = client.get(one.get_absolute_url()).content.decode()
    # "On target" but due December 2015: overdue today, as the plan's own pages say.
    assert "2 actions: 1 overdue, 1 not started" in page
    action_page = client.get(chosen[0].get_absolute_url()).content.decode()
    assert "Scrutiny recommendations it delivers" in action_page
    assert "Recommendation 1 of Welfare reforms scrutiny inquiry" in action_page

    # One step: a new action in the plan, delivering recommendation 6.
    six = rec(source, "6")
    url = reverse("scrutiny:new-action", args=["norwich", six.pk])
    assert (
        'value="That local employers are engaged on in-work poverty"'
        in client.get(url).content.decode()
    )
    client.post(url, {"plan": plan.pk, "title": "Engage local employers on in-work poverty"})
    action = Action.objects.get(title="Engage local employers on in-work poverty")
    assert action.plan == plan and action.description == six.text
    assert list(six.actions.all()) == [action]
    assert action.order == plan.actions.exclude(pk=action.pk).order_by("-order")[0].order + 1


def test_registers_are_public_only_when_published(client, source):
    one = rec(source, "1")
    private = Plan.objects.create(council=source.council, slug="secret", title="Secret plan")
    hidden = Action.objects.create(plan=private, title="A confidential action")
    one.actions.add(hidden)
    register = reverse("scrutiny:register", args=["norwich"])
    assert "Welfare reforms" not in client.get(register).content.decode()
    assert client.get(one.get_absolute_url()).status_code == 404
    login(client, "norwich-councillor")  # the council's members see it before publication
    assert client.get(one.get_absolute_url()).status_code == 200
    client.logout()
    source.is_published = True
    source.save()
    page = client.get(one.get_absolute_url()).content.decode()
    assert "That the council maps the households" in page
    assert "A confidential action" not in page  # a private plan's action stays hidden


def test_executive_responses_appendix(client, source, tmp_path):
    plan = Plan.objects.get(slug="reducing-inequalities-2015-16")
    rec(source, "1").actions.add(plan.actions.get(title__startswith="Ensure a smooth transition"))
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    login(client, "norwich-democratic-services")
    add = reverse("reports:appendix-add", args=["norwich", report.pk])
    html = client.post(add, {"kind": "recommendations", "title": "Responses"}).content.decode()
    assert "Choose the scrutiny report whose responses to include." in html
    client.post(
        add,
        {
            "kind": "recommendations",
            "scrutiny_source": source.pk,
            "title": "Executive responses to recommendations",
        },
    )
    appendix = report.appendices.get(order=3)
    assert appendix.kind == Appendix.Kind.RECOMMENDATIONS
    documents = {d.label: d.pdf for d in generate_documents(report)}
    pdf = documents["Appendix 3: Executive responses to recommendations"]
    text, info, _ = pdf_facts(pdf, tmp_path)
    for item in source.recommendations.select_related("response"):
        assert item.text.split("\n")[0] in text, item.reference
    for words in [
        "Not agreed",
        "In part",
        "Not affordable this year.",
        "Progress of accepted recommendations",
        "Ensure a smooth transition to Universal Credit",
    ]:
        assert words in text, words
    assert "Tagged: yes" in " ".join(info.split())
    assert set(page_orientations(pdf, tmp_path)) == {"landscape"}


def test_register_queries_do_not_grow_with_recommendations(
    client, source, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    source.is_published = True
    source.save()
    url = reverse("scrutiny:register", args=["norwich"])
    plan = Plan.objects.get(slug="reducing-inequalities-2015-16")
    rec(source, "1").actions.add(plan.actions.first())
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for number in range(20, 40):
        made = Recommendation.objects.create(source=source, reference=str(number), text="More")
        made.actions.add(*plan.actions.all()[:2])
    with django_assert_max_num_queries(len(before)):
        html = client.get(url).content.decode()
    assert "33 recommendations" in html


def test_a_scrutiny_upload_cannot_be_opened_as_a_plan_import(client, norwich, settings, tmp_path):
    """Each importer opens only its own uploads: the token of a register upload on the plan
    import page is not found, and the register's preview still works."""
    login(client, "norwich-plan-manager")
    upload = SimpleUploadedFile("recs.csv", CSV.read_bytes(), content_type="text/csv")
    response = client.post(
        reverse("scrutiny:import", args=["norwich"]),
        {"spreadsheet": upload, "title": "Welfare inquiry", "date": "2014-03-10"},
    )
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    plan_preview = reverse("actionplans:import-preview", args=["norwich", token])
    assert client.get(plan_preview).status_code == 404
    assert client.post(plan_preview, {"confirm": "1"}).status_code == 404
    assert "13 recommendations." in client.get(response["Location"]).content.decode()
