"""The spreadsheet import pages in a real browser: upload, preview with status words to
confirm and a column's role changed, the error page for a bad file, and the confirmed plan;
axe-core on each, at desktop and phone widths."""

import io

import openpyxl
import pytest
from django.core.management import call_command

from actionplans.models import Plan
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sheet_bytes() -> bytes:
    book = openpyxl.Workbook()
    for row in [
        ["Community safety plan: Quarter 2 progress (July – September 2016)"],
        ["Ref", "Action", "Lead", "Deadline", "Status", "Budget holder"],
        ["Safer streets"],
        ["1", "Install 40 street lights", "Housing", "March 2017", "On target", "Head of Housing"],
        [
            "2",
            "Set up a hate crime panel",
            "Strategy",
            "Q3 2016/17",
            "Waiting for police",
            "Community Safety Manager",
        ],
    ]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_pages_are_accessible_and_work(live_server, page, tmp_path):
    call_command("seed_demo", quiet_users=True)
    base = live_server.url
    failures = {}

    def audit(label):
        if violations := axe_violations(page):
            failures[label] = violations

    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "norwich-plan-manager")
    page.fill("#id_password", "demo-council-2015")
    page.click("button[type=submit]")

    page.goto(base + "/councils/norwich/")
    page.get_by_role("link", name="Import a plan from a spreadsheet").click()
    audit("upload form")
    page.get_by_role("button", name="Upload and preview").click()
    assert "Choose the spreadsheet to upload." in page.locator(".govuk-error-summary").inner_text()
    audit("upload form with errors")

    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"this is not a spreadsheet")
    page.set_input_files("#id_spreadsheet", str(bad))
    page.fill("#id_title", "Broken")
    page.get_by_role("button", name="Upload and preview").click()
    assert "The spreadsheet cannot be imported" in page.content()
    audit("preview of a bad file")

    good = tmp_path / "safety.xlsx"
    good.write_bytes(sheet_bytes())
    page.goto(base + "/councils/norwich/import/")
    page.set_input_files("#id_spreadsheet", str(good))
    page.fill("#id_title", "Community safety plan")
    page.get_by_role("button", name="Upload and preview").click()
    assert "Install 40 street lights" in page.content()
    assert "Statuses are recorded as at 30 September 2016" in page.content()
    audit("preview with a status word to map")
    page.set_viewport_size({"width": 375, "height": 800})
    audit("preview at 375 px")
    page.set_viewport_size({"width": 1280, "height": 900})
    # The budget holder column was not imported: make it the lead officer and look again.
    assert "Budget holder (column F)" in page.content()
    page.get_by_label("Role of column F").select_option(label="Lead officer")
    page.get_by_role("button", name="Update the preview").click()
    assert "Housing (Head of Housing)" in page.locator("table").last.inner_text()
    page.get_by_label("Waiting for police").select_option(label="Due to start")
    page.get_by_role("button", name="Import 2 actions").click()
    assert page.locator("h1").inner_text().startswith("Community safety plan")
    plan = Plan.objects.get(title="Community safety plan")
    assert plan.actions.count() == 2
    lights = plan.actions.get(reference="1")
    assert lights.lead_officer_title == "Head of Housing"
    update = lights.updates.get()
    assert str(update.reported_on) == "2016-09-30" and "imported from safety.xlsx" in (
        update.author_title
    )

    # The imported draft is run from its Manage tab, never the admin: a workstream added,
    # an action's lead fixed, then the plan published.
    page.get_by_role("navigation", name="Plan").get_by_role("link", name="Manage").click()
    audit("managing the imported draft")
    page.get_by_role("link", name="Add a workstream").click()
    page.get_by_label("Title", exact=True).fill("Lighting")
    page.get_by_role("button", name="Add").click()
    assert "Lighting" in page.locator("main").inner_text()
    page.get_by_role("link", name="Edit 1 Install 40 street lights").click()
    page.get_by_label("First lead department").select_option(label="Strategy")
    page.get_by_label("Workstream").select_option(label="Lighting")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Publish the plan").click()
    page.get_by_role("button", name="Publish the plan").click()
    plan.refresh_from_db()
    lights.refresh_from_db()
    assert plan.lifecycle == Plan.Lifecycle.APPROVED
    assert [d.name for d in lights.ordered_leads()] == ["Strategy"]
    assert lights.workstream.title == "Lighting"
    assert not page.locator("a[href^='/admin/']").filter(has_not_text="Council settings").count()

    # A sheet headed in another language: the columns are offered for roles, then imported.
    book = openpyxl.Workbook()
    for row in [
        ["ID", "Categoria", "Títol"],
        ["6508", "Bon govern", "Desenvolupament de processos de participació"],
        ["3359", "Transició ecològica", "Millorar els camins escolars"],
    ]:
        book.active.append(row)
    catalan = tmp_path / "pam.xlsx"
    book.save(catalan)
    page.goto(base + "/councils/norwich/import/")
    page.set_input_files("#id_spreadsheet", str(catalan))
    page.fill("#id_title", "Pla d'actuació")
    page.get_by_role("button", name="Upload and preview").click()
    assert "No column holds the actions" in page.locator(".govuk-error-summary").inner_text()
    audit("preview asking for the action column")
    page.set_viewport_size({"width": 375, "height": 800})
    audit("preview asking for the action column at 375 px")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Role of column C").select_option(label="Action title")
    page.get_by_label("Role of column B").select_option(label="Group (workstream)")
    page.get_by_role("button", name="Update the preview").click()
    assert "2 actions in 2 workstreams" in page.content()
    page.get_by_role("button", name="Import 2 actions").click()
    assert Plan.objects.get(title="Pla d'actuació").actions.count() == 2
    assert not failures, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in failures.items())
