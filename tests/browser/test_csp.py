"""The Content-Security-Policy blocks nothing the pages need: a real browser reports no
violation on the public pages, the report builder and the papers' own HTML."""

import pytest
from django.core.management import call_command

from reports.models import CommitteeReport
from tests.browser.conftest import axe_violations  # noqa: F401  (same browser set-up)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def strict_page(browser):
    """A page that obeys the Content-Security-Policy (the shared fixture lets axe through)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_no_content_security_policy_violations(live_server, strict_page):
    page = strict_page
    call_command("seed_demo", quiet_users=True)
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.on("pageerror", lambda error: messages.append(str(error)))
    base = live_server.url
    for path in [
        "/",
        "/councils/norwich/",
        "/councils/norwich/plans/reducing-inequalities-2015-16/",
    ]:
        page.goto(base + path)
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "norwich-democratic-services")
    page.fill("#id_password", "demo-council-2015")
    page.click("button[type=submit]")
    for path in [
        report.get_absolute_url(),
        f"/councils/norwich/reports/{report.pk}/whole/",
        "/councils/norwich/impact-assessments/1/form/",
    ]:
        page.goto(base + path)
    violations = [m for m in messages if "Content Security Policy" in m or "Refused" in m]
    assert not violations, violations
    page.goto(base + report.get_absolute_url())
    assert page.evaluate("document.body.classList.contains('js-enabled')")  # our script ran
    # The policy is really enforced here: an inline script is refused.
    with pytest.raises(Exception, match="Content Security Policy"):
        page.add_script_tag(content="window.injected = true")
