"""Scrutiny register pages pass axe-core in a real browser, from the import preview with a
word to map to the recommendation page with its linked actions."""

from pathlib import Path

import pytest
from django.core.management import call_command

from actionplans.models import Plan
from scrutiny.models import Source
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = Path(__file__).resolve().parents[1] / "scrutiny" / "welfare_recommendations.csv"


def test_scrutiny_pages_meet_wcag_22_aa(live_server, page, settings, tmp_path):
    call_command("seed_demo", quiet_users=True)
    base = live_server.url
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "norwich-plan-manager")
    page.fill("#id_password", "demo-council-2015")
    page.click("button[type=submit]")
    failures = {}

    def check(name: str) -> None:
        assert "Page not found" not in page.content(), name
        if violations := axe_violations(page):
            failures[name] = violations

    root = "/councils/norwich/scrutiny/"
    page.goto(base + root + "import/")
    check("import")
    page.set_input_files("#id_spreadsheet", str(CSV))
    page.fill("#id_title", "Welfare reforms scrutiny inquiry")
    page.fill("#id_date-day", "10")
    page.fill("#id_date-month", "3")
    page.fill("#id_date-year", "2014")
    page.click("text=Upload and preview")
    assert "“Accepted in principle”: not known" in page.content()
    check("preview with a word to map")
    page.select_option("#id_word_0", label="In part")
    page.click("text=Import 13 recommendations")
    assert "Imported 13 recommendations." in page.content()
    check("scrutiny report")
    source = Source.objects.get(title="Welfare reforms scrutiny inquiry")
    first = source.recommendations.get(reference="1")
    plan = Plan.objects.get(slug="reducing-inequalities-2015-16")
    page.goto(base + f"{first.get_absolute_url()}actions/?plan={plan.pk}")
    check("link actions")
    page.check(f"label:has-text('{plan.actions.order_by('order').first().title[:40]}')")
    page.click("text=Save the links")
    assert "1 action: " in page.content()
    check("recommendation")
    for path in [
        root,
        root + "?response=agreed",
        f"{root}reports/new/",
        f"{root}reports/{source.pk}/recommendations/{first.pk}/edit/",
        f"{root}recommendations/{first.pk}/new-action/",
    ]:
        page.goto(base + path)
        check(path)
    assert not failures, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in failures.items())
