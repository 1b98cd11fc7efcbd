"""An officer posts a progress update with a personal token: through the same form and service
as the website's update page, with its approval, windows, locks and validation, and a stale
version refused with what changed."""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from actionplans.models import Action, ProgressUpdate
from actionplans.services import record_update
from api.models import ApiToken
from councils.models import Department, Membership, Status, User

pytestmark = pytest.mark.django_db


def updates_url(world_council: dict, key: str = "public") -> str:
    action = world_council["actions"][key]
    return reverse(
        "api:action-updates",
        args=[world_council["council"].slug, action.plan.slug, action.pk],
    )


def client_for(user, *, can_write: bool = True) -> APIClient:
    _, plaintext = ApiToken.issue(user, "My tool", can_write=can_write)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client


@pytest.fixture
def own(world):
    return world[0]


def green(council) -> Status:
    return Status.objects.get(council=council, label="On track")


def test_an_officer_posts_an_update_that_waits_for_approval(own):
    action = own["actions"]["public"]
    client = client_for(own["users"]["officer"])
    body = {
        "version": action.version,
        "status": green(own["council"]).pk,
        "percent_complete": 40,
        "commentary": "Site cleared; contractor appointed.",
    }
    response = client.post(updates_url(own), body, format="json")
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["state"] == "submitted"  # the plan needs approval
    assert answer["commentary"] == "Site cleared; contractor appointed."
    assert answer["author_title"] == "officer"
    assert answer["licence"]["name"] == "Open Government Licence v3.0"
    update = ProgressUpdate.objects.get(pk=answer["id"])
    assert update.author == own["users"]["officer"]
    assert update.percent_complete == 40
    # Waiting: not published, so neither the public API nor the action's state shows it.
    anonymous = APIClient()
    assert anonymous.get(updates_url(own)).json()["count"] == 0


def test_on_a_plan_without_approval_it_counts_at_once(own):
    action = own["actions"]["public"]
    action.plan.requires_approval = False
    action.plan.save()
    client = client_for(own["users"]["officer"])
    response = client.post(
        updates_url(own),
        {"version": action.version, "status": green(own["council"]).pk, "percent_complete": 55},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "approved"
    detail = APIClient().get(
        reverse("api:action-detail", args=[own["council"].slug, "public-plan", action.pk])
    )
    assert detail.json()["percent_complete"] == 55


def test_a_stale_version_is_refused_with_what_changed(own):
    action = own["actions"]["public"]
    action.plan.requires_approval = False
    action.plan.save()
    read_version = Action.objects.get(pk=action.pk).version
    # Someone else updates the action after the officer read it.
    red = Status.objects.create(council=own["council"], label="Off track", rag="red")
    record_update(action, by=own["users"]["plan_manager"], status=red, commentary="Slipped.")
    client = client_for(own["users"]["officer"])
    response = client.post(
        updates_url(own),
        {"version": read_version, "status": green(own["council"]).pk},
        format="json",
    )
    assert response.status_code == 409
    conflict = response.json()
    assert "nothing was saved" in conflict["detail"]
    assert conflict["version"] == Action.objects.get(pk=action.pk).version
    status_change = next(c for c in conflict["changes"] if c["now"] == "Off track")
    assert status_change["was"] != "Off track"
    assert conflict["changed_by"] == "plan_manager"  # a job title
    # Nothing of the officer's was saved beside the update the world began with.
    assert list(action.updates.filter(author=own["users"]["officer"])) == [own["update"]]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"version": None}, "version"),
        ({"status": None}, "status"),
        ({"percent_complete": 140}, "percent_complete"),
        ({"percent_complete": "lots"}, "percent_complete"),
        ({"revised_deadline": "March 2030"}, "deadline_reason"),
        ({"revised_deadline": "when pigs fly", "deadline_reason": "x"}, "revised_deadline"),
        ({"readings": [{"measure": 1, "value": "many"}]}, "readings"),
    ],
)
def test_what_the_form_refuses_the_api_refuses_saying_where(own, body, field):
    """None leaves the field out."""
    action = own["actions"]["public"]
    client = client_for(own["users"]["officer"])
    data = {"version": action.version, "status": green(own["council"]).pk, **body}
    data = {key: value for key, value in data.items() if value is not None}
    before = ProgressUpdate.objects.count()
    response = client.post(updates_url(own), data, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json(), response.json()
    assert ProgressUpdate.objects.count() == before


def test_a_red_status_needs_a_commentary_and_another_councils_status_is_refused(own, world):
    action = own["actions"]["public"]
    client = client_for(own["users"]["officer"])
    red = Status.objects.create(council=own["council"], label="Off track", rag="red")
    response = client.post(
        updates_url(own), {"version": action.version, "status": red.pk}, format="json"
    )
    assert response.status_code == 400
    assert "commentary" in response.json()
    theirs = Status.objects.get(council=world[1]["council"], label="On track")
    response = client.post(
        updates_url(own), {"version": action.version, "status": theirs.pk}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()


def test_a_locked_quarter_is_refused(own):
    action = own["actions"]["public"]
    period = own["update"].period
    period.locked_at = timezone.now()
    period.save()
    client = client_for(own["users"]["officer"])
    response = client.post(
        updates_url(own),
        {"version": action.version, "status": green(own["council"]).pk},
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert "locked" in str(response.json()).lower()


def test_who_may_post(own, world):
    action = own["actions"]["public"]
    body = {"version": action.version, "status": green(own["council"]).pk}
    url = updates_url(own)
    # No token: asked to authenticate.
    assert APIClient().post(url, body, format="json").status_code in (401, 403)
    # A read-only token.
    response = client_for(own["users"]["officer"], can_write=False).post(url, body, format="json")
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    # A member of the council who leads nothing.
    assert client_for(own["users"]["member"]).post(url, body, format="json").status_code == 403
    # An officer of another department.
    other_department = Department.objects.create(council=own["council"], name="Parks")
    parks = User.objects.create_user("parks-officer", password="pw", job_title="Parks officer")
    Membership.objects.create(
        user=parks, council=own["council"], role="officer", department=other_department
    )
    assert client_for(parks).post(url, body, format="json").status_code == 403
    # An officer of another council: the action is not there for them.
    outsider = world[1]["users"]["officer"]
    assert client_for(outsider).post(url, body, format="json").status_code == 404
    # The private plan's action, for an officer who cannot see the plan: 404.
    private = updates_url(own, "private")
    response = client_for(own["users"]["officer"]).post(private, body, format="json")
    assert response.status_code == 404
    # A revoked token.
    token, plaintext = ApiToken.issue(own["users"]["officer"], "Old", can_write=True)
    token.revoke()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert client.post(url, body, format="json").status_code == 401


def test_a_token_reads_what_its_person_may_read(own):
    slug = own["council"].slug
    plans = client_for(own["users"]["plan_manager"], can_write=False).get(
        reverse("api:plan-list", args=[slug])
    )
    assert sorted(p["slug"] for p in plans.json()["results"]) == [
        "members-plan",
        "private-plan",
        "public-plan",
    ]
    assert "private" in plans["Cache-Control"]
    anonymous = APIClient().get(reverse("api:plan-list", args=[slug]))
    assert [p["slug"] for p in anonymous.json()["results"]] == ["public-plan"]
