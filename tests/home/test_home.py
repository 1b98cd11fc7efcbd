"""Each person's home page: what their roles in each council give them, and nothing they
may not open."""

import datetime

import pytest
from django.urls import reverse

from actionplans.models import Action
from councils.models import Committee, Membership, PortfolioHolder, Ward
from scrutiny.models import Recommendation, Source
from tests.conftest import make_plan

URL = reverse("home:home")


@pytest.fixture
def councillor(member, council_a):
    """member-a, councillor for Mancroft, cabinet member for housing, on the scrutiny panel."""
    ward = Ward.objects.create(council=council_a, name="Mancroft")
    portfolio = PortfolioHolder.objects.create(
        council=council_a, title="Cabinet member for housing", portfolio="Housing"
    )
    panel = Committee.objects.create(council=council_a, name="Scrutiny panel", kind="scrutiny")
    membership = Membership.objects.get(user=member, council=council_a)
    membership.portfolio = portfolio
    membership.save()
    membership.wards.add(ward)
    membership.committees.add(panel)
    return {"user": member, "ward": ward, "portfolio": portfolio, "panel": panel}


def test_a_councillor_finds_their_wards_overdue_actions_first(client, councillor, council_a):
    plan = make_plan(council_a, "ward-plan", title="Neighbourhood plan")
    plan.portfolio_holders.add(councillor["portfolio"])
    secret = make_plan(council_a, "secret", title="Secret plan", visibility="private")
    late = Action.objects.create(plan=plan, order=2, title="Resurface Mancroft Street")
    late.set_deadline("March 2020")
    late.save()
    soon = Action.objects.create(plan=plan, order=1, title="Plant Mancroft trees")
    soon.set_deadline("March 2099")
    soon.save()
    hidden = Action.objects.create(plan=secret, order=1, title="Confidential Mancroft deal")
    elsewhere = Action.objects.create(plan=plan, order=3, title="Eaton bins")
    for action in (late, soon, hidden):
        action.wards.add(councillor["ward"])
    source = Source.objects.create(
        council=council_a,
        title="Housing inquiry",
        date=datetime.date(2026, 5, 1),
        committee=councillor["panel"],
    )
    Recommendation.objects.create(source=source, reference="4", text="Build more.")

    client.force_login(councillor["user"])
    body = client.get(URL).content.decode()
    assert "Your ward: Mancroft" in body
    assert "2 actions in your ward, 1 overdue" in body
    assert body.index("Resurface Mancroft Street") < body.index("Plant Mancroft trees")
    assert "Confidential Mancroft deal" not in body and elsewhere.title not in body
    assert "Your portfolio: Housing" in body and "Neighbourhood plan" in body
    assert "Recommendation 4 of Housing inquiry" in body
    assert "Secret plan" not in body


def test_an_officer_is_pointed_to_my_actions(client, officer):
    client.force_login(officer)
    body = client.get(URL).content.decode()
    assert "You lead 0 actions" in body and reverse("actionplans:my-actions") in body


def test_a_plan_manager_sees_their_plans_and_what_waits(client, plan_manager, council_a, council_b):
    make_plan(council_a, "draft-one", title="Draft one", lifecycle="draft")
    make_plan(council_b, "theirs", title="Their plan", lifecycle="draft")
    client.force_login(plan_manager)
    body = client.get(URL).content.decode()
    assert "Plans you manage" in body and "Draft one" in body
    assert "Their plan" not in body
    assert reverse("actionplans:plan-manage", args=["anytown", "draft-one"]) in body


def test_someone_with_no_role_is_told_so(client, superuser, db):
    client.force_login(superuser)
    assert "You have no role in a council yet" in client.get(URL).content.decode()


def test_signing_in_lands_on_your_home(client, officer):
    response = client.post(
        reverse("login"), {"username": "officer-a", "password": "pw"}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 302 and response["Location"] == URL
    assert client.get("/home/").status_code == 200


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]
