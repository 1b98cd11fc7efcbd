"""A councillor signs in and finds their ward's overdue actions from their home page; the
page passes axe-core at desktop and phone widths and fits a 375 px screen."""

import pytest
from django.core.management import call_command

from councils.models import Membership, Ward
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_councillor_finds_their_wards_actions(live_server, page):
    call_command("seed_demo", quiet_users=True)
    membership = Membership.objects.get(user__username="norwich-councillor")
    membership.wards.add(Ward.objects.get(council=membership.council, name="Lakenham"))

    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "norwich-councillor")
    page.fill("#id_password", "demo-council-2015")
    page.click("button[type=submit]")
    assert page.url.endswith("/home/")
    assert "Your ward: Lakenham" in page.content()
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == [], width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 1280, "height": 900})
    first = page.locator(".app-outline-actions a").first
    title = first.inner_text()
    first.click()
    assert title[:40].rstrip("…") in page.content()

    # They follow the plan from its page, and find it on their home page.
    page.goto(live_server.url + "/councils/norwich/plans/reducing-inequalities-2015-16/")
    page.get_by_role("button", name="Follow this plan").click()
    assert "You follow ‘Reducing Inequalities Action Plan 2015-16’" in page.content()
    assert axe_violations(page) == []
    page.get_by_role("link", name="your home page").click()
    followed = page.locator("section", has=page.locator("#followed"))
    assert "Reducing Inequalities Action Plan 2015-16" in followed.inner_text()
