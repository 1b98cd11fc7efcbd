"""The officer's quarterly job, by keyboard alone, with axe-core on every page: sign in, find
the action in My actions, record an update; a plan manager approves it; the public sees it."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTION = "Encourage residents to take up benefits they are eligible for"


def activate(page, locator) -> None:
    """Move the keyboard focus to an element and press Enter, as a keyboard user would."""
    locator.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type("demo-council-2015")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def sign_out(page) -> None:
    activate(page, page.get_by_role("button", name="Sign out"))


def test_officer_updates_manager_approves_public_sees(live_server, page):
    call_command("seed_demo", quiet_users=True)
    base = live_server.url
    failures = {}

    def audit(label: str) -> None:
        if violations := axe_violations(page):
            failures[label] = violations

    sign_in(page, base, "norwich-officer")
    activate(page, page.get_by_role("link", name="My actions", exact=True))
    assert page.locator("h1").inner_text() == "My actions"
    audit("my actions")

    activate(page, page.get_by_role("link", name=f"Update {ACTION}"))
    assert page.locator("h1").inner_text().startswith("Update:")
    audit("update form")

    # Amber without a commentary is refused with a clear message.
    page.get_by_label("Behind schedule").focus()
    page.keyboard.press("Space")
    activate(page, page.get_by_role("button", name="Submit update"))
    assert (
        "Explain why the action is behind schedule"
        in page.locator(".govuk-error-summary").inner_text()
    )
    audit("update form with errors")

    page.get_by_label("Ongoing").focus()
    page.keyboard.press("Space")
    page.get_by_label("% complete").focus()
    page.keyboard.press("Control+A")  # replace the figure the form starts with
    page.keyboard.type("25")
    page.get_by_label("Commentary").focus()
    page.keyboard.type("Benefit take-up stall at the Lakenham jobs fair")
    activate(page, page.get_by_role("button", name="Submit update"))
    summary = page.locator(".govuk-error-summary")
    assert summary.count() == 0, summary.inner_text()
    assert "Update submitted: a plan manager will approve it." in page.content()
    audit("action page after submitting")
    sign_out(page)

    # Until it is approved, the public sees the approved status.
    page.goto(base + "/councils/norwich/plans/reducing-inequalities-2015-16/")
    assert "Benefit take-up stall" not in page.content()

    sign_in(page, base, "norwich-plan-manager")
    activate(page, page.get_by_role("link", name="My actions", exact=True))
    activate(page, page.get_by_role("link", name="Updates waiting for approval (1)"))
    audit("approvals")
    activate(page, page.get_by_role("link", name=f"Review the update to {ACTION}"))
    audit("review")
    activate(page, page.get_by_role("button", name="Approve and publish"))
    assert "Update approved" in page.content()
    sign_out(page)

    page.goto(base + "/councils/norwich/plans/reducing-inequalities-2015-16/")
    assert "Benefit take-up stall at the Lakenham jobs fair" in page.content()
    activate(page, page.get_by_role("link", name=ACTION).last)
    assert "Ongoing" in page.locator(".govuk-summary-list").inner_text()
    assert "25%" in page.locator(".govuk-summary-list").inner_text()
    audit("public action page")
    assert not failures, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in failures.items())
