"""Upload -> preview -> confirm in the browser, for a new plan and for an edited export."""

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionplans.models import Action, Plan, ProgressUpdate
from councils.models import User
from tests.forms import form_fields

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def workbook_bytes(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


SHEET = [
    ["Housing action plan 2016-17"],
    [],
    ["Ref", "Action", "Lead", "Deadline", "Status"],
    ["Better homes"],
    ["1", "Insulate 200 council homes", "Housing", "March 2017", "On track"],
    ["2", "Review the allocations policy", "Housing, Strategy", "Q3 2016/17", "Awaiting Cabinet"],
    ["Key: statuses as agreed at the performance board"],
]


def test_plan_manager_imports_a_plan_mapping_an_unknown_status(client, plan_manager, council_a):
    client.force_login(plan_manager)
    response = client.post(
        reverse("actionplans:plan-import", args=["anytown"]),
        {"spreadsheet": upload("housing.xlsx", workbook_bytes(SHEET)), "title": "Housing plan"},
    )
    preview_url = response["Location"]
    page = text(client.get(preview_url))
    assert "Check the import of housing.xlsx" in page
    assert "Insulate 200 council homes" in page and "Review the allocations policy" in page
    assert "Awaiting Cabinet" in page  # an unknown status word, to be matched
    # Confirming without choosing what the unknown word means is refused.
    preview = client.get(preview_url)
    response = client.post(preview_url, form_fields(preview, confirm="1"))
    assert "Choose what “Awaiting Cabinet” means." in text(response)
    assert not Plan.objects.filter(title="Housing plan").exists()
    not_started = council_a.statuses.get(label="Not started")
    [field] = [name for name in form_fields(preview) if name.startswith("status_")]
    response = client.post(
        preview_url, form_fields(preview, confirm="1", **{field: str(not_started.pk)})
    )
    plan = Plan.objects.get(council=council_a, title="Housing plan")
    assert response["Location"] == plan.get_absolute_url()
    actions = {a.reference: a for a in plan.actions.select_related("status", "workstream")}
    assert (
        actions["1"].status.label == "On track" and actions["1"].workstream.title == "Better homes"
    )
    assert actions["2"].status.label == "Not started"
    assert actions["2"].lead_display() == "Housing, Strategy"
    assert (actions["2"].deadline_text, actions["2"].deadline_precision) == (
        "Q3 2016/17",
        "quarter",
    )


def test_a_bad_file_gets_a_clear_message_and_nothing_is_saved(client, plan_manager):
    client.force_login(plan_manager)
    before = Plan.objects.count()
    response = client.post(
        reverse("actionplans:plan-import", args=["anytown"]),
        {"spreadsheet": upload("plan.xlsx", b"\x89PNG\r\n\x1a\n not a spreadsheet"), "title": "X"},
    )
    page = text(client.get(response["Location"]))
    assert "The spreadsheet cannot be imported" in page
    assert "Nothing has been saved." in page
    assert Plan.objects.count() == before
    response = client.post(
        reverse("actionplans:plan-import", args=["anytown"]),
        {"spreadsheet": upload("plan.pdf", b"%PDF-1.4"), "title": "X"},
    )
    assert "Upload an Excel (.xlsx) or CSV file." in text(response)


def test_only_plan_editors_may_import_and_only_their_own_uploads(
    client, plan_manager, member, outsider
):
    url = reverse("actionplans:plan-import", args=["anytown"])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(plan_manager)
    response = client.post(
        url, {"spreadsheet": upload("h.xlsx", workbook_bytes(SHEET)), "title": "H"}
    )
    preview_url = response["Location"]
    client.force_login(User.objects.get(username="norwich-plan-manager"))
    assert client.get(preview_url).status_code == 404  # another person's upload


def test_round_trip_of_an_edited_export(client):
    """Export a demo plan, change three statuses as an officer would in Excel, upload it back,
    check the preview, confirm, and see the changes on the dashboard."""
    client.force_login(User.objects.get(username="city-plan-manager"))
    plan_url = reverse(
        "actionplans:plan-detail", args=["example-city", "equalities-action-plan-2013-2016"]
    )
    exported = client.get(
        reverse(
            "actionplans:plan-export",
            args=["example-city", "equalities-action-plan-2013-2016", "xlsx"],
        )
    ).content
    book = openpyxl.load_workbook(io.BytesIO(exported))
    sheet = book["Actions"]
    header = [cell.value for cell in sheet[5]]
    ref, status, commentary = (header.index(n) + 1 for n in ("Ref", "Status", "Commentary"))
    edits = {"4.": "Behind schedule", "5.": "Achieved or on target", "6.": "Complete"}
    for row in sheet.iter_rows(min_row=6):
        reference = row[ref - 1].value
        if reference in edits:
            row[status - 1].value = edits[reference]
            if edits[reference] == "Behind schedule":
                row[commentary - 1].value = "Waiting for school results"
    out = io.BytesIO()
    book.save(out)
    response = client.post(
        reverse(
            "actionplans:plan-upload", args=["example-city", "equalities-action-plan-2013-2016"]
        ),
        {"spreadsheet": upload("edited.xlsx", out.getvalue())},
    )
    preview_url = response["Location"]
    preview = client.get(preview_url)
    page = text(preview)
    assert "Changes (3)" in page
    assert "Status: “(none)” to “Behind schedule”" in page
    assert "Commentary: “(none)” to “Waiting for school results”" in page
    response = client.post(preview_url, form_fields(preview, confirm="1"))
    assert response["Location"] == plan_url
    actions = {
        a.reference: a for a in Action.objects.filter(plan__slug="equalities-action-plan-2013-2016")
    }
    assert actions["4."].status.label == "Behind schedule"
    assert actions["4."].status_commentary == "Waiting for school results"
    assert actions["6."].status.label == "Complete"
    assert ProgressUpdate.objects.filter(action=actions["5."]).count() == 1
    dashboard = text(client.get(plan_url))
    # Reported today, after the plan's end, so its page opens today: every action still open
    # is past its deadline, "Behind schedule" ones included, and counted as overdue.
    assert "Progress as at today" in dashboard
    assert (
        "4 (22%) of 18 actions are complete or on target; 10 (56%) are overdue; "
        "4 (22%) have no status reported." in dashboard
    )
    # The same file again changes nothing: "Complete" with a blank % means its default 100%.
    response = client.post(
        reverse(
            "actionplans:plan-upload", args=["example-city", "equalities-action-plan-2013-2016"]
        ),
        {"spreadsheet": upload("edited.xlsx", out.getvalue())},
    )
    assert "there is nothing to change" in text(client.get(response["Location"]))


def test_officer_cannot_change_actions_they_do_not_lead_by_upload(client):
    officer = User.objects.get(username="norwich-officer")
    client.force_login(officer)
    plan_args = ["norwich", "reducing-inequalities-2015-16"]
    exported = client.get(reverse("actionplans:plan-export", args=[*plan_args, "xlsx"])).content
    book = openpyxl.load_workbook(io.BytesIO(exported))
    sheet = book["Actions"]
    header = [cell.value for cell in sheet[5]]
    title_col, status_col = header.index("Action") + 1, header.index("Status") + 1
    for row in sheet.iter_rows(min_row=6):
        if row[title_col - 1].value == "Neighbourhood improvements":  # led by Housing, not LNS
            row[status_col - 1].value = "Complete"
    out = io.BytesIO()
    book.save(out)
    response = client.post(
        reverse("actionplans:plan-upload", args=plan_args),
        {"spreadsheet": upload("e.xlsx", out.getvalue())},
    )
    preview_url = response["Location"]
    preview = client.get(preview_url)
    assert "Changes (1)" in text(preview)
    page = text(client.post(preview_url, form_fields(preview, confirm="1")))
    assert "Neighbourhood improvements" in page and "cannot be imported" in page
    action = Action.objects.get(title="Neighbourhood improvements")
    assert action.status.label == "Yet to start"


def test_a_sheet_with_no_action_header_is_imported_once_a_column_is_named(
    client, plan_manager, council_a
):
    """Headers in another language: the preview names the columns it found and offers a
    role for each; naming the title column brings the full preview, then the import."""
    client.force_login(plan_manager)
    rows = [
        ["ID", "Categoria", "Títol", "Descripció"],
        ["6508", "Bon govern", "Desenvolupament de processos de participació", "Revisió del pla"],
        ["3359", "Transició ecològica", "Millorar els camins escolars", "Millorar els camins"],
    ]
    response = client.post(
        reverse("actionplans:plan-import", args=["anytown"]),
        {"spreadsheet": upload("pam.xlsx", workbook_bytes(rows)), "title": "PAM"},
    )
    preview_url = response["Location"]
    preview = client.get(preview_url)
    assert "No column holds the actions" in text(preview)
    assert "Títol (column C)" in text(preview)
    named = client.post(
        preview_url, form_fields(preview, role_C="title", role_B="group", refresh="1")
    )
    page = text(named)
    assert "2 actions in 2 workstreams" in page
    assert "Millorar els camins escolars" in page
    response = client.post(preview_url, form_fields(named, confirm="1"))
    plan = Plan.objects.get(council=council_a, title="PAM")
    assert response["Location"] == plan.get_absolute_url()
    assert sorted(plan.actions.values_list("workstream__title", "title")) == [
        ("Bon govern", "Desenvolupament de processos de participació"),
        ("Transició ecològica", "Millorar els camins escolars"),
    ]


def test_changing_a_role_and_importing_without_looking_again_shows_the_preview_first(
    client, plan_manager
):
    client.force_login(plan_manager)
    response = client.post(
        reverse("actionplans:plan-import", args=["anytown"]),
        {"spreadsheet": upload("housing.xlsx", workbook_bytes(SHEET)), "title": "Housing plan"},
    )
    preview_url = response["Location"]
    preview = client.get(preview_url)
    changed = client.post(preview_url, form_fields(preview, role_C="partners", confirm="1"))
    assert changed.status_code == 200
    assert "You changed a choice since the preview was shown" in text(changed)
    assert not Plan.objects.filter(title="Housing plan").exists()
