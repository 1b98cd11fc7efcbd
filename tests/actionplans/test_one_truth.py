"""One truth of an action's state. The copies kept on Action equal the read model after every
write path; and for every action of every demo plan, as at today and at each quarter end,
the web table, the XLSX, CSV and JSON exports and the Cabinet appendix say the same status,
% and overdue mark."""

import csv
import datetime
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actionplans.exports import COLUMNS, render_csv, render_json, render_xlsx
from actionplans.forms import quarter_ends
from actionplans.models import Action, Plan
from actionplans.services import approve_update, record_update, return_update
from actionplans.state import states
from councils.models import Status, User
from reports.models import Appendix, CommitteeReport
from reports.rendering import render_appendix_html
from tests.forms import form_fields

pytestmark = pytest.mark.django_db


def copies_match_the_read_model(actions) -> list[str]:
    """Each action whose stored copies differ from its state today, and how."""
    today = timezone.localdate()
    problems = []
    for state in states(Action.objects.filter(pk__in=[a.pk for a in actions]), today):
        action = state.action
        copy = (action.status_id, action.percent_complete, action.status_commentary)
        truth = (state.status.pk if state.status else None, state.percent, state.commentary)
        if copy != truth or action.last_updated != state.reported_on:
            problems.append(f"{action.title}: copy {copy}, {action.last_updated}; state {truth}")
        if (action.deadline_text, action.deadline_date) != (
            state.deadline_text,
            state.deadline_date,
        ):
            problems.append(
                f"{action.title}: deadline {action.deadline_text} != {state.deadline_text}"
            )
    return problems


def test_the_copies_equal_the_read_model_after_every_write_path(client):
    plan = Plan.objects.get(slug="reducing-inequalities-2015-16")  # updates need approval
    council = plan.council
    on_target = Status.objects.get(council=council, label="On target")
    behind = Status.objects.get(council=council, label="Behind schedule")
    officer = User.objects.get(username="norwich-officer")
    manager = User.objects.get(username="norwich-plan-manager")
    admin = User.objects.get(username="norwich-admin")
    actions = list(plan.actions.order_by("order"))
    assert copies_match_the_read_model(actions) == []  # the demo data as loaded

    # The update form, as the officer, waiting for approval; then approved.
    mine = next(a for a in actions if officer.has_perm("actionplans.update_action", a))
    client.force_login(officer)
    url = reverse("actionplans:action-update", args=["norwich", plan.slug, mine.pk])
    mine.refresh_from_db()
    client.post(url, {"version": mine.version, "status": on_target.pk, "commentary": "Form"})
    assert copies_match_the_read_model([mine]) == []  # waiting: nothing changes yet
    waiting = mine.updates.get(commentary="Form")
    approve_update(waiting, by=manager)
    assert copies_match_the_read_model([mine]) == []
    # Returned, and a revised deadline approved.
    second = record_update(mine, by=officer, status=behind, commentary="Slipping")
    return_update(second, by=manager, comment="Say by how long")
    assert copies_match_the_read_model([mine]) == []
    third = record_update(
        mine,
        by=officer,
        status=behind,
        commentary="Slipping to June",
        revised_deadline="June 2016",
        deadline_reason="Contractor late",
    )
    approve_update(third, by=manager)
    assert copies_match_the_read_model([mine]) == []
    # A back-dated report and an overtaken one.
    earlier = record_update(
        mine, by=officer, status=on_target, reported_on=datetime.date(2015, 7, 1)
    )
    approve_update(earlier, by=manager)
    older = record_update(mine, by=officer, status=on_target, commentary="Older")
    newer = record_update(mine, by=admin, status=behind, commentary="Newer")
    approve_update(newer, by=manager)
    approve_update(older, by=manager)
    assert copies_match_the_read_model([mine]) == []

    # The admin's update form (Django admin) goes through the same service.
    other = actions[1]
    client.force_login(User.objects.get(username="admin"))
    response = client.post(
        reverse("admin:actionplans_progressupdate_add"),
        {
            "action": other.pk,
            "status": on_target.pk,
            "reported_on": timezone.localdate().isoformat(),
            "commentary": "Admin",
        },
    )
    assert response.status_code == 302
    assert copies_match_the_read_model(actions) == []

    # A spreadsheet round trip: export, edit, upload, confirm.
    client.force_login(manager)
    workbook = load_workbook(io.BytesIO(render_xlsx(plan, as_at=timezone.localdate())))
    sheet = workbook["Actions"]
    status_column = COLUMNS.index("Status") + 1
    commentary_column = COLUMNS.index("Commentary") + 1
    for row in range(6, sheet.max_row + 1):
        if sheet.cell(row=row, column=COLUMNS.index("Action ID") + 1).value:
            sheet.cell(row=row, column=status_column, value="Off track")
            sheet.cell(row=row, column=commentary_column, value="Edited in Excel")
            break
    out = io.BytesIO()
    workbook.save(out)
    upload = SimpleUploadedFile("edited.xlsx", out.getvalue())
    response = client.post(
        reverse("actionplans:plan-upload", args=["norwich", plan.slug]), {"spreadsheet": upload}
    )
    preview = client.get(response["Location"])
    client.post(response["Location"], form_fields(preview, confirm="1"))
    assert plan.actions.filter(updates__commentary="Edited in Excel").exists()
    assert copies_match_the_read_model(plan.actions.all()) == []


def test_an_import_with_words_but_no_status_is_a_report(council_a, plan_manager):
    from actionplans.imports import create_plan, find_header, parse_plan, read_table

    data = b"Action,Status,% complete,Commentary\nRun a fair,,30,Venue booked\n"
    table = read_table(data, "plan.csv")
    parsed = parse_plan(table, find_header(table), council_a)
    plan = create_plan(parsed, council_a, title="Imported", by=plan_manager)
    (action,) = plan.actions.all()
    (state,) = states(plan.actions.all(), timezone.localdate())
    assert (state.status, state.percent, state.commentary) == (None, 30, "Venue booked")
    assert copies_match_the_read_model([action]) == []


def table_states(client, plan: Plan, as_at: datetime.date | None) -> dict[int, tuple]:
    """What the web shows for each action: the plan page's outline (as at any day)."""
    params = {"as_at": as_at.isoformat()} if as_at else {}
    response = client.get(plan.get_absolute_url(), params)
    shown = {}
    for action in response.context["outline_actions"]:
        state = action.state
        shown[action.pk] = (
            state.status.label if state.status else None,
            state.percent,
            state.is_overdue,
        )
    html = response.content.decode()
    return shown, html


@pytest.mark.parametrize("slug", ["reducing-inequalities-2015-16", "lakenham-pilot-activity"])
def test_every_output_says_the_same_of_every_action(client, slug, tmp_path):
    plan = Plan.objects.select_related("council").get(slug=slug)
    today = timezone.localdate()
    days = [today, *quarter_ends(plan, today)[:4]]
    report = CommitteeReport.objects.create(
        council=plan.council,
        meeting_date=today,
        report_of="Head of policy",
        subject="Progress",
    )
    appendix = Appendix.objects.create(
        report=report, order=1, kind=Appendix.Kind.PLAN_PROGRESS, plan=plan, title="Progress"
    )
    for day in days:
        truth = {
            s.action.pk: (s.status.label if s.status else None, s.percent, s.is_overdue)
            for s in states(plan.actions.all(), day)
        }
        # The web outline.
        shown, html = table_states(client, plan, day)
        assert shown == truth, day
        assert html.count("app-mark--overdue") >= sum(1 for *_, late in truth.values() if late)
        # XLSX, CSV and JSON.
        sheet = load_workbook(io.BytesIO(render_xlsx(plan, as_at=day)))["Actions"]
        header = [cell.value for cell in sheet[5]]
        xlsx = {}
        for row in sheet.iter_rows(min_row=6, values_only=True):
            record = dict(zip(header, row, strict=False))
            if record.get("Action ID"):
                xlsx[record["Action ID"]] = (
                    record["Status"],
                    record["% complete"],
                    record["Overdue"] == "Overdue",
                )
        assert xlsx == truth, day
        reader = csv.DictReader(io.StringIO(render_csv(plan, as_at=day).decode("utf-8-sig")))
        from_csv = {
            int(r["Action ID"]): (
                r["Status"] or None,
                int(r["% complete"]) if r["% complete"] else None,
                r["Overdue"] == "Overdue",
            )
            for r in reader
            if r["Action ID"]
        }
        assert from_csv == truth, day
        document = json.loads(render_json(plan, as_at=day))
        from_json = {
            a["id"]: (
                a["status"]["label"] if a["status"] else None,
                a["percent_complete"],
                a["deadline"]["overdue"],
            )
            for a in document["actions"]
        }
        assert from_json == truth, day
        # The Cabinet appendix: every overdue action carries the mark, and only those.
        appendix.as_at = day
        paper = render_appendix_html(appendix)
        rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", paper, re.S)
        by_title = {a.title: a.pk for a in plan.actions.all()}
        for title, cells in rows:
            pk = by_title[title.replace("&amp;", "&").replace("&#x27;", "'")]
            label, percent, late = truth[pk]
            assert ("app-mark--overdue" in cells) == late, (day, title)
            assert (label or "No status reported") in cells, (day, title)
            if percent is not None:
                assert f"{percent}%" in cells
