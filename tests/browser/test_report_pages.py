"""Report pages, the builder and the papers' web versions pass axe-core in a real browser;
publishing shows its progress and then the files without reloading the page."""

import pytest
from django.core.management import call_command

from reports.models import CommitteeReport, PublishedFile
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "norwich-democratic-services")
    page.fill("#id_password", "demo-council-2015")
    page.click("button[type=submit]")


def test_report_pages_meet_wcag_22_aa(live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", quiet_users=True)
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    appendix = report.appendices.get(order=1)
    base = live_server.url
    sign_in(page, base)
    failures = {}
    root = f"/councils/norwich/reports/{report.pk}/"
    paths = [
        "/councils/norwich/reports/",
        "/councils/norwich/reports/new/",
        report.get_absolute_url(),
        root + "edit/",
        root + "front-sheet/",
        root + "whole/",
        root + "appendices/add/",
        root + "appendices/1/edit/",
        root + "appendices/1/delete/",
        root + "appendices/1/",
        root + "appendices/2/",
        "/councils/norwich/papers/",
    ]
    for kind in ("progress_summary", "exceptions"):
        appendix.kind = kind
        appendix.save()
        page.goto(base + root + "appendices/1/")
        if violations := axe_violations(page):
            failures[kind] = violations
    for path in paths:
        page.goto(base + path)
        assert "Page not found" not in page.content(), path
        if violations := axe_violations(page):
            failures[path] = violations
    # A form with errors, as a clerk would see it.
    page.goto(base + "/councils/norwich/reports/new/")
    page.fill("#id_meeting_date-day", "")
    page.click("text=Create the report and add appendices")
    assert page.locator(".govuk-error-summary").is_visible()
    if violations := axe_violations(page):
        failures["report form with errors"] = violations
    assert not failures, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in failures.items())


def test_publishing_shows_progress_then_the_files_without_a_reload(
    live_server, page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("seed_demo", quiet_users=True)
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    base = live_server.url
    sign_in(page, base)
    page.goto(base + report.get_absolute_url())
    page.click("text=Publish the report")
    status = page.locator(".app-build__status")
    assert "Waiting to start" in status.inner_text()
    assert page.locator("progress.app-build__bar").get_attribute("value") == "0"
    assert not axe_violations(page)
    page.evaluate("window.stillHere = true")  # gone if the page reloads

    # The worker `make run` starts picks the report up.
    call_command("db_worker", batch=True, startup_delay=False, reload=False)
    page.wait_for_selector("text=Published version 1", timeout=15_000)
    assert page.evaluate("window.stillHere") is True
    links = page.locator(".app-build__files a")
    assert links.count() == 4 == PublishedFile.objects.filter(report=report).count()
    assert links.first.inner_text() == "Report and appendices (one PDF)"
    with page.expect_download() as download:
        links.nth(1).click()
    assert download.value.suggested_filename == "v1-front-sheet.pdf"
    assert page.locator("text=Publish a new version").is_enabled()
