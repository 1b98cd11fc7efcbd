"""The read-only API answers what the same person sees on the website: the same plans, the
same state of each action as at a day, the same filters; never a private plan, a draft, an
exempt paper or an unpublished register, not even as a count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import Action, Plan
from actionplans.services import approve_update, record_update
from actionplans.state import states
from councils.models import Status
from tests.world import login_as

pytestmark = pytest.mark.django_db

OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def api(name: str, *args) -> str:
    return reverse(f"api:{name}", args=args)


def get(client, url, **params):
    response = client.get(url, params)
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response


def test_every_answer_names_its_licence(client, world):
    own = world[0]
    slug = own["council"].slug
    for url in [
        api("council-list"),
        api("council-detail", slug),
        api("plan-list", slug),
        api("plan-detail", slug, "public-plan"),
        api("plan-actions", slug, "public-plan"),
        api("action-detail", slug, "public-plan", own["actions"]["public"].pk),
    ]:
        response = get(client, url)
        assert response.status_code == 200, url
        body = response.json()
        assert body["licence"] == {"name": "Open Government Licence v3.0", "url": OGL}, url
        assert "Open Government Licence v3.0" in body["attribution"]
        assert response["Link"] == f'<{OGL}>; rel="license"'
    missing = get(client, api("plan-detail", slug, "private-plan"))
    assert missing.status_code == 404
    assert missing["Link"] == f'<{OGL}>; rel="license"'


def test_anonymous_sees_public_plans_only_and_counts_nothing_else(client, world):
    own, other, _ = world
    slug = own["council"].slug
    plans = get(client, api("plan-list", slug)).json()
    assert [p["slug"] for p in plans["results"]] == ["public-plan"]
    assert plans["count"] == 1
    actions = get(client, api("council-actions", slug)).json()
    assert actions["count"] == 1
    assert [a["title"] for a in actions["results"]] == ["Action in public"]
    for plan in ("members-plan", "private-plan", "no-such-plan"):
        assert get(client, api("plan-detail", slug, plan)).status_code == 404
        assert get(client, api("plan-actions", slug, plan)).status_code == 404
        assert get(client, api("plan-updates", slug, plan)).status_code == 404
        assert get(client, api("measures", slug, plan)).status_code == 404
        assert get(client, api("workstreams", slug, plan)).status_code == 404
    # An action of a private plan, asked for through the public plan's address: 404.
    private_action = own["actions"]["private"].pk
    assert get(client, api("action-detail", slug, "public-plan", private_action)).status_code == 404
    assert (
        get(client, api("action-updates", slug, "public-plan", private_action)).status_code == 404
    )
    # Another council's action through this council's plan: 404.
    theirs = other["actions"]["public"].pk
    assert get(client, api("action-detail", slug, "public-plan", theirs)).status_code == 404


@pytest.mark.parametrize(
    "role, plans",
    [
        ("member", ["members-plan", "public-plan"]),
        ("officer", ["members-plan", "public-plan"]),
        ("plan_manager", ["members-plan", "private-plan", "public-plan"]),
        ("democratic_services", ["members-plan", "private-plan", "public-plan"]),
    ],
)
def test_signed_in_people_see_what_the_website_shows_them(client, world, role, plans):
    own = world[0]
    login_as(client, world, role, 0)
    slug = own["council"].slug
    listed = get(client, api("plan-list", slug)).json()
    assert sorted(p["slug"] for p in listed["results"]) == plans
    actions = get(client, api("council-actions", slug)).json()
    assert actions["count"] == len(plans)
    # What a signed-in person gets is theirs: no shared cache keeps it.
    cache_control = get(client, api("plan-list", slug))["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control


def test_someone_of_another_council_sees_only_its_public_plans(client, world):
    own = world[0]
    login_as(client, world, "plan_manager", 1)
    slug = own["council"].slug
    listed = get(client, api("plan-list", slug)).json()
    assert [p["slug"] for p in listed["results"]] == ["public-plan"]
    assert get(client, api("plan-actions", slug, "private-plan")).status_code == 404


def test_updates_papers_assessments_and_recommendations_are_the_published_ones(client, world):
    own = world[0]
    slug = own["council"].slug
    # The world's one update waits for approval: not published.
    assert get(client, api("plan-updates", slug, "public-plan")).json()["count"] == 0
    approve_update(own["update"], by=own["users"]["plan_manager"])
    updates = get(client, api("plan-updates", slug, "public-plan")).json()
    assert updates["count"] == 1
    assert updates["results"][0]["status"]["label"] == "On track"
    assert updates["results"][0]["author_title"] == "officer"  # a job title, not a name
    papers = get(client, api("papers", slug)).json()
    assert [p["subject"] for p in papers["results"]] == ["public report"]
    assert papers["results"][0]["files"][0]["sha256"] == "0" * 64
    assessments = get(client, api("assessments", slug)).json()
    assert [a["report_subject"] for a in assessments["results"]] == ["published decision"]
    recommendations = get(client, api("recommendations", slug)).json()
    assert [r["report_title"] for r in recommendations["results"]] == ["published inquiry"]
    login_as(client, world, "member", 0)
    recommendations = get(client, api("recommendations", slug)).json()
    assert sorted(r["report_title"] for r in recommendations["results"]) == [
        "published inquiry",
        "unpublished inquiry",
    ]
    # A member still never gets the exempt paper or the members-only plan's paper.
    papers = get(client, api("papers", slug)).json()
    assert [p["subject"] for p in papers["results"]] == ["public report"]


def test_recommendations_name_only_the_actions_the_reader_may_see(client, world):
    own = world[0]
    recommendation = own["recommendations"]["published"]
    recommendation.actions.add(own["actions"]["public"], own["actions"]["private"])
    slug = own["council"].slug
    found = get(client, api("recommendations", slug)).json()["results"][0]
    assert found["actions"] == [own["actions"]["public"].pk]
    login_as(client, world, "plan_manager", 0)
    found = get(client, api("recommendations", slug)).json()["results"][0]
    assert sorted(found["actions"]) == sorted(
        [own["actions"]["public"].pk, own["actions"]["private"].pk]
    )


@pytest.fixture
def history(world):
    """A public plan whose first action was on track at the end of June and slipped to red
    in August, and whose second was due in March 2026 and never finished."""
    own = world[0]
    council = own["council"]
    plan = Plan.objects.get(council=council, slug="public-plan")
    plan.requires_approval = False
    plan.save()
    red = Status.objects.create(council=council, label="Behind", rag="red", order=2)
    green = Status.objects.get(council=council, label="On track")
    first = own["actions"]["public"]
    first.updates.all().delete()
    officer = own["users"]["officer"]
    record_update(first, by=officer, status=green, reported_on=datetime.date(2026, 6, 20))
    record_update(
        first,
        by=officer,
        status=red,
        commentary="The contractor went into administration.",
        reported_on=datetime.date(2026, 8, 10),
    )
    second = Action.objects.create(plan=plan, title="Open the new library", order=2, reference="2")
    second.set_deadline("March 2026")
    second.save()
    return own, plan, green, red, first, second


def test_an_action_as_at_a_day_is_the_read_models(client, history):
    own, plan, green, red, first, second = history
    slug = own["council"].slug
    then = get(client, api("plan-actions", slug, plan.slug), as_at="2026-06-30").json()
    by_title = {a["title"]: a for a in then["results"]}
    assert by_title["Action in public"]["status"]["label"] == "On track"
    assert by_title["Action in public"]["as_at"] == "2026-06-30"
    library = by_title["Open the new library"]
    assert library["deadline"] == {
        "text": "March 2026",
        "date": "2026-03-31",
        "precision": "month",
        "revised": False,
    }
    assert library["is_overdue"] is True
    assert library["headline_group"] == "overdue"
    now = get(client, api("plan-actions", slug, plan.slug), as_at="2026-09-30").json()
    first_now = next(a for a in now["results"] if a["id"] == first.pk)
    assert first_now["status"]["label"] == "Behind"
    assert first_now["rag"] == "red"
    assert first_now["commentary"] == "The contractor went into administration."
    # The same as the read model, field by field.
    for state in states(plan.actions.all(), datetime.date(2026, 9, 30)):
        answer = next(a for a in now["results"] if a["id"] == state.action.pk)
        assert answer["percent_complete"] == state.percent
        assert answer["is_overdue"] == state.is_overdue
        assert answer["headline_group"] == state.headline_group
        assert answer["reported_on"] == (state.reported_on and state.reported_on.isoformat())
    detail = get(client, api("plan-detail", slug, plan.slug), as_at="2026-09-30").json()
    assert detail["tally"]["total"] == 2
    assert detail["tally"]["overdue"] == 1
    assert detail["tally"]["behind"] == 1
    assert detail["tally"]["headline"].startswith("1 (50%) of 2 actions")


def test_filters_are_the_websites(client, history):
    own, plan, green, red, first, second = history
    slug = own["council"].slug
    url = api("plan-actions", slug, plan.slug)

    def titles(**params):
        response = get(client, url, **params)
        assert response.status_code == 200, response.json()
        return [a["title"] for a in response.json()["results"]]

    assert titles(rag="red") == ["Action in public"]
    assert titles(status=red.pk) == ["Action in public"]
    assert titles(overdue="true") == ["Open the new library"]
    assert titles(ward=own["ward"].pk) == ["Action in public"]
    assert titles(lead=own["dept"].pk) == ["Action in public"]
    assert titles(department=own["dept"].pk) == ["Action in public"]
    assert titles(q="library") == ["Open the new library"]
    assert titles(deadline_to="2026-04-30") == ["Open the new library"]
    assert titles(rag="red", as_at="2026-06-30") == []
    # Across the council: the department's and ward's actions in every plan one may see.
    across = get(client, api("council-actions", slug), lead=own["dept"].pk).json()
    assert [a["title"] for a in across["results"]] == ["Action in public"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"as_at": "30/09/2026"}, "as_at"),
        ({"as_at": "2999-01-01"}, "as_at"),
        ({"as_at": "1066-10-14"}, "as_at"),
        ({"status": "999999"}, "status"),
        ({"status": "red"}, "status"),
        ({"rag": "purple"}, "rag"),
        ({"ward": "x"}, "ward"),
        ({"deadline_from": "soon"}, "deadline_from"),
    ],
)
def test_bad_parameters_get_a_400_saying_which(client, world, params, field):
    slug = world[0]["council"].slug
    response = get(client, api("plan-actions", slug, "public-plan"), **params)
    assert response.status_code == 400
    assert field in response.json(), response.json()


def test_paging(client, history):
    own, plan, *_ = history
    slug = own["council"].slug
    url = api("plan-actions", slug, plan.slug)
    first = get(client, url, page_size=1).json()
    assert first["count"] == 2 and len(first["results"]) == 1
    assert "page=2" in first["next"]
    second = get(client, first["next"]).json()
    assert second["next"] is None and len(second["results"]) == 1
    assert first["results"][0]["id"] != second["results"][0]["id"]
    assert get(client, url, page=99).status_code == 404
    assert get(client, url, page="x").status_code == 404


def test_query_counts_do_not_grow_with_the_plan(client, history):
    own, plan, green, *_ = history
    slug = own["council"].slug
    url = api("plan-actions", slug, plan.slug)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert get(client, url).status_code == 200
        return len(queries)

    few = count()
    for n in range(30):
        action = Action.objects.create(plan=plan, title=f"Extra {n}", order=10 + n)
        action.lead_links.create(department=own["dept"])
        record_update(action, by=own["users"]["officer"], status=green)
    assert count() == few
    assert few <= 9


def test_an_actions_detail_has_its_measures_and_readings(client, history):
    own, plan, green, red, first, second = history
    measure = first.measures.create(name="Homes built", unit="homes", target=200)
    measure.readings.create(date=datetime.date(2026, 6, 30), value=40)
    slug = own["council"].slug
    detail = get(client, api("action-detail", slug, plan.slug, first.pk)).json()
    assert detail["measures"][0]["name"] == "Homes built"
    assert detail["measures"][0]["readings"] == [
        {"date": "2026-06-30", "value": "40.00", "note": ""}
    ]
    assert detail["wards"] == ["Central"]
    assert detail["lead_departments"] == ["Housing"]
    measures = get(client, api("measures", slug, plan.slug)).json()
    assert [m["name"] for m in measures["results"]] == ["Homes built"]


def test_no_query_string_makes_the_api_fail(client, world):
    from tests.test_query_strings import HOSTILE
    from tests.world import api_urls

    client.force_login(world[2])  # the superuser: every address answers
    client.raise_request_exception = False
    names = [
        "page",
        "page_size",
        "as_at",
        "since",
        "status",
        "rag",
        "workstream",
        "lead",
        "department",
        "ward",
        "partner",
        "aim",
        "overdue",
        "deadline_from",
        "deadline_to",
        "q",
        "format",
    ]
    failures = []
    for name, url in api_urls(world[0]).items():
        for value in [*HOSTILE[:3], *HOSTILE[5:7], HOSTILE[-1]]:
            attempts = [dict.fromkeys(names, value)]
            if name.endswith("actions") and value in HOSTILE[:3]:
                # One invalid filter can stop another being read: each on its own too.
                attempts += [{one: value} for one in names]
            for params in attempts:
                response = client.get(url, params)
                if response.status_code >= 500:
                    failures.append(f"{name} {url}?{params}: {response.status_code}")
    assert not failures, "\n".join(failures[:20])


def test_a_plan_made_private_is_gone_from_the_next_answer(client, world):
    own = world[0]
    slug = own["council"].slug
    url = api("plan-actions", slug, "public-plan")
    first = get(client, url)
    assert first.status_code == 200
    assert "max-age" not in first.get("Cache-Control", "")  # no proxy keeps it for a while
    plan = Plan.objects.get(council=own["council"], slug="public-plan")
    plan.visibility = Plan.Visibility.PRIVATE
    plan.save()
    assert get(client, url).status_code == 404
    assert get(client, api("council-actions", slug)).json()["count"] == 0
    assert get(client, api("plan-list", slug)).json()["count"] == 0
