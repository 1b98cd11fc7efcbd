"""An officer's quarter when nothing has changed, in a real browser: the update form shows the
last update, "No change this quarter" records it again in one press; and a date typed in
the GOV.UK date input's three boxes, wrong and then right. axe-core at desktop and phone
widths on every page, none wider than a 375 px screen."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from actionplans.models import Action, ProgressUpdate
from councils.models import Rag, Status, User
from tests.browser.conftest import axe_violations
from tests.browser.test_officer_journey import activate, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def unchanged_action(username: str) -> Action:
    """An action the officer leads whose last update could stand again this quarter."""
    officer = User.objects.get(username=username)
    waiting = ProgressUpdate.objects.filter(state=ProgressUpdate.State.SUBMITTED)
    candidates = (
        Action.objects.led_by(officer)
        .with_state(timezone.localdate())
        .filter(state_status_id__isnull=False, plan__lifecycle="approved")
        .exclude(pk__in=waiting.values("action_id"))
        .exclude(state_rag__in=[Rag.RED, Rag.AMBER], state_commentary="")
        .select_related("plan")
        .order_by("plan__title", "order", "pk")
    )
    return candidates.first()


def test_officer_confirms_no_change_and_types_a_date(live_server, page):
    call_command("seed_demo", quiet_users=True)
    base = live_server.url
    failures, wide = {}, {}

    def audit(label: str, *, fits: bool = True) -> None:
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            if violations := axe_violations(page):
                failures[f"{label} at {width}px"] = violations
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if fits and width == 375 and scroll > 375:
                wide[label] = scroll
            # The date boxes fit a phone wherever they are, wide table or not.
            for box in page.locator(".govuk-date-input").all() if width == 375 else []:
                if (right := box.evaluate("el => el.getBoundingClientRect().right")) > 375:
                    wide[f"{label}: date boxes"] = right
        page.set_viewport_size({"width": 1280, "height": 900})

    action = unchanged_action("norwich-officer")
    assert action is not None, "the demo has an action to confirm"
    update_url = base + action.get_absolute_url() + "update/"
    sign_in(page, base, "norwich-officer")
    page.goto(base + action.get_absolute_url())
    activate(page, page.get_by_role("link", name="Update this action"))
    assert page.url == update_url
    last = page.locator("dl.govuk-summary-list").first.inner_text()
    for words in ("Status", "% complete", "Commentary", "Reported"):
        assert words in last
    tag = page.locator("dl.govuk-summary-list .govuk-tag").first.inner_text()
    assert tag.strip() == Status.objects.get(pk=action.state_status_id).label
    audit("update form with the last update")

    activate(page, page.get_by_role("button", name="No change this quarter"))
    banner = page.locator(".govuk-notification-banner").first.inner_text()
    assert "No change submitted for" in banner or "No change recorded for" in banner, banner
    audit("action page after no change")
    recorded = action.updates.order_by("-created_at").first()
    assert recorded.reported_on == timezone.localdate() and recorded.author.username == (
        "norwich-officer"
    )

    # Pressed once is enough: the page now says why it is not offered again.
    page.goto(update_url)
    assert page.get_by_role("button", name="No change this quarter").count() == 0
    audit("update form after no change")

    # A date in three boxes: the action table's deadline filter.
    page.goto(base + f"/councils/norwich/plans/{action.plan.slug}/actions/")
    page.get_by_text("Filter actions").click()
    deadline_from = page.get_by_role("group", name="Deadline from")
    deadline_from.get_by_label("Day").fill("1")
    deadline_from.get_by_label("Year").fill("2016")
    activate(page, page.get_by_role("button", name="Apply filters"))
    error = page.locator(".govuk-error-summary")
    assert "The earliest deadline must include a month" in error.inner_text()
    # The table itself is wider than a phone (it scrolls): only the boxes are checked there.
    audit("action table with a date missing its month", fits=False)
    page.get_by_role(
        "link", name="Deadline from: The earliest deadline must include a month"
    ).click()
    assert page.evaluate("document.activeElement.id") == "id_deadline_from-month"
    page.keyboard.type("4")
    activate(page, page.get_by_role("button", name="Apply filters"))
    assert page.locator(".govuk-error-summary").count() == 0
    assert page.locator("#id_deadline_from-month").input_value() == "4"
    audit("action table filtered by a date", fits=False)

    assert not failures, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in failures.items())
    assert not wide, f"wider than 375 px: {wide}"
