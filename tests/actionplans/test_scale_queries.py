"""Pages keep their query count whatever the data: more plans on the council page, more
actions in My actions (shown 50 to a page)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.loadgen import generate
from actionplans.models import Action
from councils.models import Council, Membership

pytestmark = pytest.mark.django_db


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_council_page_and_my_actions_at_two_sizes(client):
    generate(councils=1, plans=2, actions=5, updates=2)
    small = Council.objects.get(slug__startswith="load-")
    generate(councils=1, plans=12, actions=12, updates=2, seed=2)
    big = Council.objects.filter(slug__startswith="load-").exclude(pk=small.pk).get()
    assert count(client, small.get_absolute_url()) == count(client, big.get_absolute_url())

    def officer_of(council):
        return Membership.objects.filter(council=council, role="officer").order_by("pk")[0].user

    client.force_login(officer_of(small))
    few = count(client, reverse("actionplans:my-actions"))
    client.force_login(officer_of(big))
    many = count(client, reverse("actionplans:my-actions"))
    assert many == few


def test_my_actions_shows_fifty_a_page(client):
    generate(councils=1, plans=12, actions=60, updates=1)
    council = Council.objects.get(slug__startswith="load-")
    officer = Membership.objects.filter(council=council, role="officer").order_by("pk")[0].user
    led = Action.objects.led_by(officer).count()
    assert led > 50
    client.force_login(officer)
    html = client.get(reverse("actionplans:my-actions")).content.decode()
    assert f"{led} actions you lead." in html
    assert html.count('class="govuk-link" href="/councils/') >= 50
    assert 'aria-label="Pages of your actions"' in html and "page 1 of" in html
    last = (led + 49) // 50
    html = client.get(reverse("actionplans:my-actions"), {"page": last}).content.decode()
    assert f"page {last} of {last}" in html
    assert client.get(reverse("actionplans:my-actions"), {"page": "x"}).status_code == 200


def test_my_actions_orders_and_counts_from_sortable_states_and_shows_full_rows():
    """sortable_states() agrees with states() on everything it gives, and the rows of the
    page shown carry the full state (status, commentary, deadline words)."""
    import datetime

    from actionplans.dashboards import build_my_actions
    from actionplans.state import sortable_states, states

    generate(councils=1, plans=12, actions=60, updates=3)
    council = Council.objects.get(slug__startswith="load-")
    officer = Membership.objects.filter(council=council, role="officer").order_by("pk")[0].user
    today = datetime.date.today()
    led = Action.objects.led_by(officer).order_by("plan__title", "order")
    full = states(led, today)
    light = sortable_states(led, today)
    assert len(light) == len(full) > 50
    for quick, whole in zip(light, full, strict=True):
        assert quick.action.pk == whole.action.pk
        assert (quick.group, quick.is_overdue, quick.deadline_date) == (
            whole.group,
            whole.is_overdue,
            whole.deadline_date,
        )
        assert quick.update_expected_for == whole.update_expected_for
    context = build_my_actions(officer, today, page=2)
    assert context["page"].number == 2 and len(context["page"]) == len(full) - 50
    by_pk = {state.action.pk: state for state in full}
    for row in context["page"]:
        expected = by_pk[row.action.pk]
        assert row.state.status == expected.status and row.state.status is not None
        assert row.state.commentary == expected.commentary != ""
        assert row.state.deadline_text == expected.deadline_text
        assert row.action.title == expected.action.title
