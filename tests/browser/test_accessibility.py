"""Every page type passes axe-core's WCAG 2.2 AA rules in a real browser, signed out and in,
at desktop and phone widths; focus is visible; the main journeys work by keyboard and
without JavaScript."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from actionplans.models import Action, Plan
from councils.models import Department, Ward
from following.models import EmailFollow
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NORWICH_PLAN = "/councils/norwich/plans/reducing-inequalities-2015-16/"
CITY_PLAN = "/councils/example-city/plans/equalities-action-plan-2013-2016/"


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
    ).get_absolute_url()
    city_action = Action.objects.get(
        plan__slug="equalities-action-plan-2013-2016", reference="3."
    ).get_absolute_url()
    lns = Department.objects.get(council__slug="norwich", name="Local Neighbourhood Services")
    lakenham = Ward.objects.get(council__slug="norwich", name="Lakenham")
    following = EmailFollow.objects.create(
        email="resident@example.org",
        plan=Plan.objects.get(council__slug="norwich", slug="reducing-inequalities-2015-16"),
        confirmed_at=timezone.now(),
    )
    public_pages = [
        "/",
        "/councils/norwich/",
        "/councils/example-city/",
        NORWICH_PLAN,
        NORWICH_PLAN + "?as_at=2015-12-31",
        NORWICH_PLAN + "?as_at=1999-01-01",  # with its error summary
        NORWICH_PLAN + "actions/",
        NORWICH_PLAN + "actions/?rag=grey&sort=-deadline",
        NORWICH_PLAN + "actions/?deadline_from=31/02/2016",  # with filter errors
        NORWICH_PLAN + "equality-duty/",
        "/councils/norwich/plans/lakenham-pilot-activity/",
        "/councils/warwickshire/plans/tackling-social-inequalities/",
        norwich_action,
        "/councils/norwich/departments/",
        f"/councils/norwich/departments/{lns.pk}/",
        "/councils/norwich/wards/",
        f"/councils/norwich/wards/{lakenham.pk}/",
        "/councils/norwich/portfolios/",
        "/councils/norwich/committees/",
        "/councils/norwich/alignment/",
        "/accounts/login/",
        "/councils/no-such-council/",
        "/search/?q=universal+credit",
        "/search/?q=universal&type=action&council=norwich",
        "/search/?q=",
        "/accessibility/",
        "/privacy/",
        "/councils/norwich/accessibility/",
        "/councils/norwich/privacy/",
        NORWICH_PLAN + "email-updates/",
        f"/councils/norwich/wards/{lakenham.pk}/email-updates/",
        f"/email-updates/confirm/{following.token}/",
        f"/email-updates/unsubscribe/{following.token}/",
        "/api/",
        "/councils/norwich/open-data/",
    ]
    member_pages = [
        "/account/",  # with no tokens; the walk below adds one and its once-only page
        CITY_PLAN + "?as_at=2013-09-30",
        CITY_PLAN + "actions/",
        CITY_PLAN + "equality-duty/",
        city_action,  # with measure trend charts
    ]
    failures: dict[str, list[str]] = {}

    def check(path: str, label: str = "") -> None:
        page.goto(base + path)
        assert "Page not found" not in page.content() or "no-such" in path, path
        if violations := axe_violations(page):
            failures[path + label] = violations

    for path in public_pages:
        check(path)

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
    for path in [
        NORWICH_PLAN,
        NORWICH_PLAN + "actions/?rag=grey",
        norwich_action,
        "/search/?q=universal+credit",
        "/councils/norwich/accessibility/",
        NORWICH_PLAN + "email-updates/",
        f"/email-updates/unsubscribe/{following.token}/",
    ]:
        check(path, " (375px wide)")
    page.set_viewport_size({"width": 1280, "height": 900})

    sign_in(page, base, "city-councillor")
    for path in member_pages:
        check(path, " (signed in)")

    # Making an API token: the page that shows it once, then the account page listing it.
    page.goto(f"{base}/account/")
    page.fill("#id_name", "Power BI refresh")
    page.check("#id_can_write")
    page.click("button:has-text('Make token')")
    assert page.locator("#new-token").is_visible()
    if violations := axe_violations(page):
        failures["/account/tokens/ (token made)"] = violations
    check("/account/", " (with a token)")

    assert not failures, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in failures.items())


def test_pages_work_and_read_correctly_without_javascript(live_server, browser):
    call_command("seed_demo", quiet_users=True)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + NORWICH_PLAN)
    assert page.locator("h1").inner_text().startswith("Reducing Inequalities Action Plan 2015-16")
    page.select_option("#id_as_at", "2015-12-31")
    page.get_by_role("button", name="Show").click()
    headline = page.locator("#headline").inner_text()
    assert "9 (53%) of 17 actions are complete or on target" in headline
    page.get_by_role("link", name="Promote food growing").first.click()
    assert page.locator("h1").inner_text() == "Promote food growing"
    assert "October 2015" in page.locator(".govuk-summary-list").inner_text()
    context.close()


def test_keyboard_focus_is_visible_and_filters_work_by_keyboard(live_server, page):
    call_command("seed_demo", quiet_users=True)
    page.goto(live_server.url + NORWICH_PLAN + "actions/")
    # The first Tab reaches the skip link, which shows in the focus colour.
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const el = document.activeElement;"
        " return [el.textContent.trim(), getComputedStyle(el).backgroundColor]; }"
    )
    assert focused == ["Skip to main content", "rgb(255, 221, 0)"]  # GOV.UK focus yellow
    # Open the filters, tick a RAG colour and apply them, all from the keyboard.
    page.locator(".app-filter-panel summary").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Grey").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Apply filters").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**rag=grey**")
    assert "Showing 1 to 8 of 8 actions" in page.content()
    link = page.get_by_role("link", name="Promote food growing")
    link.focus()
    assert link.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 221, 0)"


def test_search_works_from_the_keyboard_alone(live_server, page):
    call_command("seed_demo", quiet_users=True)
    page.goto(live_server.url + "/councils/norwich/")
    # Tab from the top of the page reaches the header's search box before the content.
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "header-search":
            break
    assert page.evaluate("document.activeElement.id") == "header-search"
    page.keyboard.type("universal credit")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=universal+credit**")
    assert "Ensure a smooth transition to Universal Credit" in page.content()
    # The results are links in reading order; the first is reached and opened by keyboard.
    first = page.locator("ol.app-search-results a").first
    first.focus()
    assert first.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 221, 0)"
    href = first.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{href}")
    assert "Universal Credit" in page.locator("h1").inner_text()


def test_the_service_unavailable_page_meets_wcag_22_aa(live_server, page, monkeypatch):
    """The page a resident sees while the database is away, at desktop and phone widths."""
    from django.db import OperationalError
    from django.db.backends.base.base import BaseDatabaseWrapper

    def refused(self, *args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refused)
    failures = {}
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        response = page.goto(live_server.url + NORWICH_PLAN)
        assert response.status == 503
        assert page.locator("h1").inner_text() == "Sorry, the service is unavailable"
        assert page.locator("link[rel=stylesheet]").count() > 0  # in the site's design
        if violations := axe_violations(page):
            failures[width] = violations
    monkeypatch.undo()
    assert not failures, failures
