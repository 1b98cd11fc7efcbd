"""Report pages and the appendices' web versions pass axe-core in a real browser."""

import pytest
from django.core.management import call_command

from reports.models import CommitteeReport
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_pages_meet_wcag_22_aa(live_server, page):
    call_command("seed_demo", quiet_users=True)
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    appendix = report.appendices.get(order=1)
    base = live_server.url
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "norwich-democratic-services")
    page.fill("#id_password", "demo-council-2015")
    page.click("button[type=submit]")
    failures = {}
    paths = [
        "/councils/norwich/reports/",
        report.get_absolute_url(),
        f"/councils/norwich/reports/{report.pk}/appendices/1/",
        f"/councils/norwich/reports/{report.pk}/appendices/2/",
    ]
    for kind in ("progress_summary", "exceptions"):
        appendix.kind = kind
        appendix.save()
        page.goto(base + f"/councils/norwich/reports/{report.pk}/appendices/1/")
        if violations := axe_violations(page):
            failures[kind] = violations
    for path in paths:
        page.goto(base + path)
        assert "Page not found" not in page.content(), path
        if violations := axe_violations(page):
            failures[path] = violations
    assert not failures, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in failures.items())
