"""Impact-assessment pages pass axe-core in a real browser, the rating grid with errors
included, and can be filled in with the keyboard's radio buttons and text boxes."""

import pytest
from django.core.management import call_command

from impact.models import Assessment
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_impact_pages_meet_wcag_22_aa(live_server, page):
    call_command("seed_demo", quiet_users=True)
    seeded = Assessment.objects.get(council__slug="norwich")
    base = live_server.url
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "norwich-officer")
    page.fill("#id_password", "demo-council-2015")
    page.click("button[type=submit]")
    root = "/councils/norwich/impact-assessments/"
    failures = {}
    for path in [
        "/impact-assessments/?council=1",
        root,
        root + "?category=Environmental&rating=negative",
        root + "areas/?row=Pollution",
        root + "new/",
        seeded.get_absolute_url(),
        root + f"{seeded.pk}/form/",
    ]:
        page.goto(base + path)
        assert "Page not found" not in page.content(), path
        if violations := axe_violations(page):
            failures[path] = violations

    # Start an equality assessment, then complete it with a negative rating and no comment.
    page.goto(base + root + "new/")
    page.check("text=Equality impact assessment (version 1)")
    page.fill("#id_report_subject", "Lakenham pilot activity")
    page.click("text=Start the assessment")
    page.check("label:has-text('Negative for Age')")
    page.click("text=Save and mark as completed")
    summary = page.locator(".govuk-error-summary")
    assert "Say why the impact on “Age” is negative" in summary.inner_text()
    if violations := axe_violations(page):
        failures["rating grid with errors"] = violations
    assert not failures, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in failures.items())
