"""Search finds what a person may open, and nothing else: private and draft plans, exempt
and unpublished papers, unpublished registers and waiting updates never show, not even as a
count. Runs on SQLite and (in CI) PostgreSQL, whose full-text search also stems words."""

import datetime

import pytest
from django.urls import reverse

from actionplans.models import Action, Plan, ProgressUpdate
from actionplans.services import record_update
from councils.models import Membership
from scrutiny.models import Recommendation, Source
from tests.conftest import make_plan

URL = reverse("search:search")


@pytest.fixture
def content(council_a, council_b, plan_manager):
    public = make_plan(council_a, "open-plan", title="Zebra crossings plan")
    private = make_plan(council_a, "secret-plan", title="Zebra secret plan", visibility="private")
    draft = make_plan(council_a, "draft-plan", title="Zebra draft plan", lifecycle="draft")
    other = make_plan(council_b, "their-plan", title="Zebra plan of another council")
    made = {"public": public, "private": private, "draft": draft, "other": other}
    for key, plan in made.copy().items():
        made[f"{key}-action"] = Action.objects.create(
            plan=plan, order=1, title=f"Paint zebra stripes ({key})", description="Near schools."
        )
    action = made["public-action"]
    on_track = council_a.statuses.get(label="On track")
    record_update(
        action,
        by=plan_manager,
        status=on_track,
        commentary="Stripes painted <script>alert(1)</script> outside the quokka school.",
        reported_on=datetime.date(2026, 9, 30),
    )
    action.plan.requires_approval = True
    action.plan.save()
    waiting = record_update(
        action, by=plan_manager, status=on_track, commentary="Waiting wombat update."
    )
    assert waiting.state == ProgressUpdate.State.SUBMITTED
    for published in (True, False):
        source = Source.objects.create(
            council=council_a,
            title="Roads inquiry" if published else "Hidden inquiry",
            date=datetime.date(2026, 3, 1),
            is_published=published,
        )
        Recommendation.objects.create(
            source=source,
            reference="1" if published else "2",
            text=f"Add more platypus crossings ({'published' if published else 'hidden'}).",
        )
    return made


def titles(response):
    return [hit.title for hit in response.context["page"].object_list]


def test_the_public_find_published_public_things_only(client, content):
    response = client.get(URL, {"q": "zebra"})
    found = titles(response)
    assert "Zebra crossings plan" in found
    assert "Zebra plan of another council" in found
    assert not any("secret" in t or "draft" in t for t in found)
    assert not any("(private)" in t or "(draft)" in t for t in found)
    body = response.content.decode()
    assert "secret" not in body.lower().replace("search", "")
    assert response.context["count"] == len(found)  # the count says no more than the list


def test_update_commentary_is_found_escaped_and_marked(client, content):
    response = client.get(URL, {"q": "quokka"})
    body = response.content.decode()
    assert [hit.kind for hit in response.context["page"].object_list] == ["update"]
    assert "<mark>quokka</mark>" in body
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert client.get(URL, {"q": "wombat"}).context["count"] == 0  # waiting, not published


def test_registers_unpublished_are_for_the_councils_members(client, content, plan_manager):
    public = titles(client.get(URL, {"q": "platypus"}))
    assert public == ["Recommendation 1 of Roads inquiry"]
    client.force_login(plan_manager)
    member = titles(client.get(URL, {"q": "platypus"}))
    assert sorted(member) == [
        "Recommendation 1 of Roads inquiry",
        "Recommendation 2 of Hidden inquiry",
    ]


def test_plan_managers_find_their_drafts_but_not_other_councils(
    client, content, plan_manager, outsider
):
    client.force_login(plan_manager)
    found = titles(client.get(URL, {"q": "zebra", "kind": "plan"}))
    assert {"Zebra crossings plan", "Zebra secret plan", "Zebra draft plan"} <= set(found)
    client.force_login(outsider)  # council B's plan manager
    found = titles(client.get(URL, {"q": "zebra", "kind": "plan"}))
    assert "Zebra secret plan" not in found and "Zebra draft plan" not in found


def test_filters_by_type_and_council(client, content, council_b):
    response = client.get(URL, {"q": "zebra", "kind": "action", "council": council_b.slug})
    assert titles(response) == ["Paint zebra stripes (other) (Zebra plan of another council)"]
    assert 'value="action" selected' in response.content.decode()


def test_titles_rank_first_and_words_all_count(client, content):
    found = titles(client.get(URL, {"q": "zebra crossings"}))
    assert found[0] == "Zebra crossings plan"
    assert titles(client.get(URL, {"q": "zebra nonsenseword"})) == []


@pytest.mark.parametrize(
    "params",
    [
        {"q": "zebra\u200b\ufeff"},
        {"q": "a" * 5000},
        {"q": "!!! ''' ;--"},
        {"q": "zebra", "kind": "nonsense", "council": "nowhere", "page": "-1"},
        {"q": "zebra", "page": "999"},
        {"q": "& | ! ( ) :*"},
    ],
)
def test_odd_queries_never_fail(client, content, params):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert "Search" in response.content.decode()


def test_a_nul_in_the_query_is_refused_as_the_site_refuses_it(client, content):
    assert client.get(URL, {"q": "\x00zebra"}).status_code == 400


def test_every_page_has_the_search_box(client, content):
    body = client.get(content["public"].get_absolute_url()).content.decode()
    assert f'action="{URL}"' in body and 'name="q"' in body


def test_members_are_the_councils(content, plan_manager):
    assert Membership.objects.filter(user=plan_manager).count() == 1
    assert Plan.objects.count() >= 4


def test_the_engine_searches_what_the_stored_vectors_hold():
    from search.engine import KINDS
    from search.vectors import VECTORS

    by_table = {table: (titles, texts) for table, titles, texts in VECTORS}
    tables = {
        "plan": "actionplans_plan",
        "action": "actionplans_action",
        "update": "actionplans_progressupdate",
        "recommendation": "scrutiny_recommendation",
        "assessment": "impact_assessment",
        "paper": "reports_committeereport",
    }
    assert set(tables) == set(KINDS) and set(tables.values()) == set(by_table)
    for name, table in tables.items():
        assert (KINDS[name].title_fields, KINDS[name].text_fields) == by_table[table], name


def test_rows_written_in_bulk_are_found(client, content):
    """An import writes actions with insert_rows, not save(): on PostgreSQL the trigger
    still fills their search vector."""
    from councils.bulk import insert_rows

    plan = content["public"]
    insert_rows(
        Action,
        [{"order": 50, "title": "Restore the capybara meadow", "description": "Bulk written."}],
        same={"plan_id": plan.pk},
    )
    assert titles(client.get(URL, {"q": "capybara"})) == [
        "Restore the capybara meadow (Zebra crossings plan)"
    ]
