"""The plan editor in a real browser, as a plan manager uses it: start a plan, add a
workstream and an action, fix the action's lead, publish the plan, read its history; with
the keyboard for the form, no /admin/ link on the way, axe-core on every page at desktop
and phone widths, and no page wider than a 375 px screen."""

import pytest
from django.core.management import call_command

from actionplans.models import Plan
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_plan_manager_runs_a_plan_without_the_admin(live_server, page):
    call_command("seed_demo", quiet_users=True)
    base = live_server.url
    failures, wide = {}, {}

    def audit(label):
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            if violations := axe_violations(page):
                failures[f"{label} at {width}px"] = violations
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if width == 375 and scroll > 375:
                wide[label] = scroll
        page.set_viewport_size({"width": 1280, "height": 900})
        admin_links = page.locator("a[href^='/admin/']").all_inner_texts()
        assert [text for text in admin_links if text.strip() != "Council settings"] == []

    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "norwich-plan-manager")
    page.fill("#id_password", "demo-council-2015")
    page.click("button[type=submit]")

    assert page.url.endswith("/home/")  # signing in lands on your home
    assert "Plans you manage" in page.content()
    audit("your home")
    page.goto(base + "/councils/norwich/")
    page.get_by_role("link", name="Create a plan").click()
    audit("new plan")
    page.get_by_role("button", name="Create the draft plan").click()
    assert "Enter the title" in page.locator(".govuk-error-summary").inner_text()
    audit("new plan with errors")
    page.get_by_label("Title", exact=True).fill("Tree planting plan")
    page.get_by_label("Summary", exact=True).fill("Planting 2,000 trees by 2028.")
    page.get_by_role("button", name="Create the draft plan").click()
    assert "Created the draft plan ‘Tree planting plan’" in page.content()
    audit("manage")

    page.get_by_role("link", name="Add a workstream").click()
    audit("new workstream")
    page.get_by_label("Title", exact=True).fill("Streets")
    page.get_by_role("button", name="Add").click()

    page.get_by_role("link", name="Add an action to Streets").click()
    audit("new action")
    # The keyboard alone: focus the action box and type, tab on.
    page.get_by_label("Action", exact=True).focus()
    page.keyboard.type("Plant 500 street trees")
    page.get_by_label("First lead department").select_option(label="Housing")
    page.get_by_label("Deadline, as written").fill("March 2028")
    page.get_by_label("Deadline, as written").press("Enter")
    assert "Added ‘Plant 500 street trees’" in page.content()

    # Fix its lead.
    page.get_by_role("link", name="Edit Plant 500 street trees").click()
    page.get_by_label("First lead department").select_option(label="Strategy")
    page.get_by_role("button", name="Save").click()
    assert "Strategy" in page.locator("#content, main").first.inner_text()

    page.get_by_role("link", name="Publish the plan").click()
    audit("publish confirmation")
    page.get_by_role("button", name="Publish the plan").click()
    plan = Plan.objects.get(title="Tree planting plan")
    assert plan.lifecycle == Plan.Lifecycle.APPROVED
    assert [d.name for d in plan.actions.get().ordered_leads()] == ["Strategy"]

    page.get_by_role("navigation", name="Plan").get_by_role("link", name="History").click()
    history = page.locator("table").inner_text()
    assert "“Housing” to “Strategy”" in history and "“Draft” to “Approved”" in history
    audit("plan history")

    page.goto(base + plan.get_absolute_url())
    audit("dashboard with editor tabs")

    # The header's search box, by keyboard: the new plan's action is found, marked.
    page.get_by_label("Search plans, actions and papers").fill("street trees")
    page.get_by_label("Search plans, actions and papers").press("Enter")
    assert "Plant 500 street trees" in page.locator(".app-search-results").inner_text()
    assert page.locator(".app-search-results mark").count() >= 1
    audit("search results")
    assert failures == {}, failures
    assert wide == {}, wide
