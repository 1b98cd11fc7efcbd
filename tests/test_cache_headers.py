"""No shared cache, proxy or browser history keeps what a signed-in person saw, nor any
export of a plan that is not public."""

import pytest
from django.urls import reverse

from tests.world import login_as, urls

pytestmark = pytest.mark.django_db

PRIVATE = {"private", "no-store"}


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("role", ["member", "officer", "democratic_services", "plan_manager"])
def test_every_page_a_signed_in_person_gets_is_private(client, world, role):
    login_as(client, world, role, 0)
    checked = 0
    for name, url in urls(world[0]).items():
        response = client.get(url)
        if response.status_code != 200:
            continue
        assert directives(response) >= PRIVATE, f"{role} on {name}: {response.get('Cache-Control')}"
        checked += 1
    assert checked > 20


def test_exports_of_plans_that_are_not_public_are_never_stored(client, world):
    own = world[0]
    login_as(client, world, "plan_manager", 0)
    slug = own["council"].slug
    for plan in ("members-plan", "private-plan"):
        for fmt in ("xlsx", "csv", "json"):
            url = reverse("actionplans:plan-export", args=[slug, plan, fmt])
            response = client.get(url)
            assert response.status_code == 200 and directives(response) >= PRIVATE, (plan, fmt)


def test_public_pages_for_signed_out_visitors_are_not_marked_private(client, world):
    own = world[0]
    for name in ("council", "public plan", "export public plan", "papers"):
        response = client.get(urls(own)[name])
        assert response.status_code == 200
        assert "no-store" not in directives(response), name
