"""The pages that say no or explain a safeguard pass axe-core at desktop and phone widths:
a report's versions marked public or not with the reasons, a build whose worker died, an
update superseded by a newer one, the throttled password reset, a bad address, and an
import preview that removed control characters."""

import datetime
import os

import pytest
from django.core.management import call_command
from django.utils import timezone

from actionplans.models import Action, Plan
from actionplans.services import approve_update, record_update
from councils.models import Status, User
from reports.models import CommitteeReport, ReportBuild
from reports.services import publish_report
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# SCREENSHOTS=folder keeps a full-page screenshot of each page checked, to look at them.
SHOTS = os.environ.get("SCREENSHOTS")


def sign_in(page, base: str, username: str, password: str = "demo-council-2015") -> None:
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_safeguard_pages_meet_wcag_22_aa(live_server, page, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_RESET_PER_EMAIL = 1
    monkeypatch.setattr(
        "reports.services.papers_to_pdf",
        lambda sections, pack, parts, **kw: [b"%PDF-1.7 stand-in"] * (len(parts) + 1),
    )
    call_command("seed_demo", quiet_users=True)
    base = live_server.url
    clerk = User.objects.get(username="norwich-democratic-services")

    # A report published while exempt, then as a public paper; then a build that lost its
    # worker.
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    report.is_exempt = True
    report.save()
    publish_report(report, by=clerk)
    report.is_exempt = False
    report.save()
    publish_report(report, by=clerk)
    report.builds.create(
        state=ReportBuild.State.RUNNING,
        steps_total=4,
        steps_done=1,
        worker="another-machine:1",
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=5),
    )

    # An officer's update overtaken by a newer one on a plan that needs approval.
    plan = Plan.objects.get(slug="reducing-inequalities-2015-16")
    action = Action.objects.filter(plan=plan).first()
    on_target = Status.objects.get(council=plan.council, label="On target")
    officer = User.objects.get(username="norwich-officer")
    admin = User.objects.get(username="norwich-admin")
    older = record_update(action, by=officer, status=on_target, commentary="First written")
    newer = record_update(action, by=admin, status=on_target, commentary="Written second")
    manager = User.objects.get(username="norwich-plan-manager")
    approve_update(newer, by=manager)

    failures = {}

    def check(path: str, label: str = "") -> None:
        if path:
            page.goto(base + path)
        if SHOTS:
            name = (label or path).strip(" /()").replace("/", "_")[:60]
            page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)
        if violations := axe_violations(page):
            failures[(path or page.url) + label] = violations

    # Signed out: a bad address and the throttled reset.
    check("/councils/norwich/plans/reducing-inequalities-2015-16/actions/?q=a%00b", "400")
    for _ in range(2):
        page.goto(base + "/accounts/password_reset/")
        page.fill("#id_email", "someone@norwich.gov.uk")
        page.click("button[type=submit]")
    assert "Too many requests" in page.content()
    check("", "password reset throttled")

    sign_in(page, base, "norwich-democratic-services")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        check(report.get_absolute_url(), f" ({width}px)")
    content = page.content()
    assert "It was published while the report was exempt." in content
    assert "The worker making the documents stopped before it finished" in content
    page.set_viewport_size({"width": 1280, "height": 900})

    sign_in(page, base, "norwich-plan-manager")
    check(f"/councils/norwich/updates/{older.pk}/review/", "review with a newer update")
    assert "keeps it in the history as superseded" in page.content()
    page.click("text=Approve, keeping it as superseded")
    assert "It is kept in the action's history as superseded" in page.content()
    check("", "approvals after a superseded update")
    check(action.get_absolute_url(), "action history with a superseded update")

    # An import preview that removed control characters.
    page.goto(base + "/councils/norwich/import/")
    data = b"Action,Lead,Deadline,Status\nRun a jobs fair\x07,Housing,March 2016,On target\n"
    page.set_input_files(
        "input[type=file]", files=[{"name": "plan.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.fill("#id_title", "Jobs plan")
    page.click("text=Upload and preview")
    assert "Removed hidden control characters" in page.content()
    check("", "import preview with control characters removed")

    assert not failures, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in failures.items())
