"""Every page passes axe-core's WCAG 2.2 AA rules in a real browser, signed out and in."""

import pytest
from django.core.management import call_command

from actionplans.models import Action
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-council-2015")
    page.click("button[type=submit]")


def test_every_page_meets_wcag_22_aa(live_server, page):
    # One test walks every page: the live server's database is emptied after each test.
    call_command("seed_demo", quiet_users=True)
    base = live_server.url
    norwich_action = Action.objects.get(
        title__startswith="Maximise opportunities for residents to access local"
    )
    city_action = Action.objects.get(plan__slug="equalities-action-plan-2013-2016", reference="3.")
    public_pages = [
        "/",
        "/councils/norwich/",
        "/councils/example-city/",
        "/councils/norwich/plans/reducing-inequalities-2015-16/",
        "/councils/norwich/plans/lakenham-pilot-activity/",
        "/councils/warwickshire/plans/tackling-social-inequalities/",
        norwich_action.get_absolute_url(),
        "/accounts/login/",
        "/councils/no-such-council/",
    ]
    member_pages = [
        "/councils/example-city/plans/equalities-action-plan-2013-2016/",
        city_action.get_absolute_url(),
    ]
    failures: dict[str, list[str]] = {}
    for path in public_pages:
        page.goto(base + path)
        if violations := axe_violations(page):
            failures[path] = violations

    # The sign-in form with its error summary.
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "nobody")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    assert page.locator(".govuk-error-summary").is_visible()
    if violations := axe_violations(page):
        failures["/accounts/login/ (with errors)"] = violations

    # Phones: the service navigation collapses into a menu and wide tables scroll.
    page.set_viewport_size({"width": 375, "height": 800})
    for path in public_pages[3:7]:
        page.goto(base + path)
        if violations := axe_violations(page):
            failures[path + " (375px wide)"] = violations
    page.set_viewport_size({"width": 1280, "height": 900})

    sign_in(page, base, "city-councillor")
    for path in member_pages:
        page.goto(base + path)
        assert "Page not found" not in page.content(), path
        if violations := axe_violations(page):
            failures[path + " (signed in)"] = violations

    assert not failures, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in failures.items())


def test_pages_work_and_read_correctly_without_javascript(live_server, browser):
    call_command("seed_demo", quiet_users=True)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/councils/norwich/plans/reducing-inequalities-2015-16/")
    assert page.locator("h1").inner_text().startswith("Reducing Inequalities Action Plan 2015-16")
    page.get_by_role("link", name="Promote food growing").click()
    assert page.locator("h1").inner_text() == "Promote food growing"
    assert "October 2015" in page.locator(".govuk-summary-list").inner_text()
    context.close()
