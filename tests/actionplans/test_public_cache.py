"""Signed-out visitors get public pages from the cache, and see a change the moment it
lands: every save of something the pages show raises the council's content version."""

import datetime
import time

import pytest
from django.core.cache import cache
from django.db.models import F
from django.urls import reverse

from actionplans.models import Action, Plan
from actionplans.services import record_update
from councils.models import Council, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.PUBLIC_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def plan() -> Plan:
    return Plan.objects.filter(council__slug="warwickshire", visibility="public").first()


def test_public_pages_come_from_the_cache_until_an_update_lands(
    client, plan, django_assert_max_num_queries
):
    url = plan.get_absolute_url()
    first = client.get(url)
    assert first["X-Cache"] == "miss"
    with django_assert_max_num_queries(0):  # the council's version is in the cache too
        second = client.get(url)
    assert second["X-Cache"] == "hit" and second.content == first.content
    assert "Content-Security-Policy" in second  # headers are the middleware's, every time

    action = plan.actions.first()
    status = (
        plan.council.statuses.get(label="Complete")
        if plan.council.statuses.filter(label="Complete").exists()
        else plan.council.statuses.last()
    )
    manager = User.objects.get(username="warwickshire-plan-manager")
    record_update(action, by=manager, status=status, commentary="Cache test: landed today")
    third = client.get(url)
    assert third["X-Cache"] == "miss" and "Cache test: landed today" in third.content.decode()

    council_page = reverse("actionplans:council-detail", args=["warwickshire"])
    assert client.get(council_page)["X-Cache"] == "miss"
    assert client.get(council_page)["X-Cache"] == "hit"
    plan.title = "Tackling Social Inequalities in Warwickshire (revised)"
    plan.save()
    page = client.get(council_page)
    assert page["X-Cache"] == "miss" and "(revised)" in page.content.decode()


def test_a_version_another_process_kept_is_forgotten_on_commit_and_expires(
    client, plan, settings, django_capture_on_commit_callbacks
):
    """A bump forgets the cached version at once and again when its transaction commits, so
    a reader that put the old version back in between does not keep it; and a process whose
    own cache heard of no bump keeps a version PUBLIC_VERSION_SECONDS at most."""
    from actionplans import caching

    url = plan.get_absolute_url()
    assert client.get(url)["X-Cache"] == "miss"
    key = caching._version_key(plan.council_id)
    old = cache.get(key)
    assert old == Council.objects.get(pk=plan.council_id).content_version
    with django_capture_on_commit_callbacks(execute=True):
        plan.title = "Tackling Social Inequalities (renamed)"
        plan.save()
        assert cache.get(key) is None
        cache.set(key, old)  # a concurrent read of the version before this commit
    assert cache.get(key) is None
    page = client.get(url)
    assert page["X-Cache"] == "miss" and "(renamed)" in page.content.decode()

    # Another process's bump, which this process's own cache did not hear of.
    settings.PUBLIC_VERSION_SECONDS = 1
    cache.delete(key)
    assert client.get(url)["X-Cache"] == "hit"  # version read again and kept for 1 s
    Council.objects.filter(pk=plan.council_id).update(content_version=F("content_version") + 1)
    assert client.get(url)["X-Cache"] == "hit"  # served as it was, for the second at most
    time.sleep(1.1)
    assert client.get(url)["X-Cache"] == "miss"


def test_a_plan_made_private_is_gone_at_once(client, plan):
    url = plan.get_absolute_url()
    assert client.get(url).status_code == 200
    plan.visibility = "private"
    plan.save()
    assert client.get(url).status_code == 404


def test_signed_in_people_and_sessions_never_get_the_shared_page(client, plan):
    url = plan.get_absolute_url()
    client.get(url)
    client.force_login(User.objects.get(username="warwickshire-plan-manager"))
    assert "X-Cache" not in client.get(url)
    client.logout()
    client.cookies["sessionid"] = "something"
    assert "X-Cache" not in client.get(url)


def test_the_version_changes_with_saves_not_with_reads(plan):
    council = Council.objects.get(pk=plan.council_id)
    before = council.content_version
    Action.objects.get(pk=plan.actions.first().pk)
    council.refresh_from_db()
    assert council.content_version == before
    action = plan.actions.first()
    action.save()
    council.refresh_from_db()
    assert council.content_version == before + 1


def test_made_up_query_strings_are_rendered_not_cached(client, plan):
    url = plan.get_absolute_url()
    assert "X-Cache" not in client.get(url, {"utm_source": "x"})
    assert "X-Cache" not in client.get(url, {"as_at": "x" * 50})
    assert client.get(url)["X-Cache"] == "miss"


def test_the_council_page_keeps_its_counts_and_counts_afresh_when_an_update_lands(
    client, plan, django_assert_max_num_queries
):
    """Signed in, the council page is drawn for the person, but each plan's counts by state
    are kept under the council's content version: the same on a second visit, new at once
    after an approved update moves an action."""
    manager = User.objects.get(username="warwickshire-plan-manager")
    client.force_login(manager)
    url = reverse("actionplans:council-detail", args=["warwickshire"])

    def counts(page) -> str:
        html = page.content.decode()
        start = html.index(plan.title)
        return html[start : start + 3000]

    first = client.get(url)
    with django_assert_max_num_queries(20) as warm:
        second = client.get(url)
    assert counts(second) == counts(first)
    action = plan.actions.exclude(status__rag="green").first()
    complete = plan.council.statuses.filter(rag="green").first()
    record_update(action, by=manager, status=complete, commentary="Done: counts test")
    third = client.get(url)
    assert counts(third) != counts(first)
    cache.clear()
    with django_assert_max_num_queries(40) as cold:
        assert counts(client.get(url)) == counts(third)  # what a fresh count says
    assert len(warm) < len(cold)


def test_a_recommendation_linked_to_an_action_shows_on_the_cached_plan_page_at_once(client, plan):
    """The plan page shows the scrutiny recommendations its actions deliver (a section
    another app adds): linking one, or publishing its register, is fresh there at once."""
    from scrutiny.models import Recommendation, Source

    url = plan.get_absolute_url()
    source = Source.objects.create(
        council=plan.council,
        title="Cache scrutiny review",
        date=datetime.date(2016, 1, 1),
        body="Overview and scrutiny committee",
        is_published=False,
    )
    recommendation = Recommendation.objects.create(
        source=source, reference="C1", text="Publish the cached dashboard promptly"
    )
    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url)["X-Cache"] == "hit"
    recommendation.actions.add(plan.actions.first())
    page = client.get(url)
    assert page["X-Cache"] == "miss"
    assert "Recommendation C1 of Cache scrutiny review" not in page.content.decode()  # unpublished
    source.is_published = True
    source.save()
    page = client.get(url)
    assert page["X-Cache"] == "miss"
    assert "Recommendation C1 of Cache scrutiny review" in page.content.decode()
    assert client.get(url)["X-Cache"] == "hit"
    recommendation.actions.clear()
    page = client.get(url)
    assert "Recommendation C1 of Cache scrutiny review" not in page.content.decode()


def test_papers_and_assessments_raise_their_councils_version():
    """Each model the plan page's sections read is watched: reports, their appendices and
    published versions, and impact assessments."""
    from councils.rules import council_id_of
    from impact.models import Assessment
    from reports.models import Appendix, CommitteeReport, Publication

    report = CommitteeReport.objects.first()
    Publication.objects.create(report=report, version=99, was_exempt=False)
    for model in (CommitteeReport, Appendix, Publication, Assessment):
        obj = model.objects.first()
        assert obj is not None, f"the demo has no {model.__name__}"
        council = Council.objects.get(pk=council_id_of(obj))
        obj.save()
        assert Council.objects.get(pk=council.pk).content_version > council.content_version


def test_the_walk_to_a_council_follows_foreign_keys_not_text_fields_named_like_them():
    """A mitigation's `action` is its text; its council is its assessment's."""
    from councils.rules import council_id_of
    from impact.models import Assessment, Mitigation

    assessment = Assessment.objects.first()
    mitigation = Mitigation(assessment=assessment, action="Run drop-in sessions", owner="Officer")
    assert council_id_of(mitigation) == assessment.council_id


def test_a_signed_out_visitor_finds_the_plan_without_a_query_and_loses_it_when_made_private(
    client, plan, settings, django_assert_num_queries
):
    """With the page cache off, the plan's lookup is kept for signed-out visitors under the
    council's version: a repeat visit asks the database nothing, and a plan made private
    (or any change that raises the version) is 404 on the next request."""
    settings.PUBLIC_CACHE_SECONDS = 0
    url = plan.get_absolute_url()
    assert plan.title in client.get(url).content.decode()
    with django_assert_num_queries(0):
        page = client.get(url).content.decode()
    assert plan.title in page
    plan.visibility = "private"
    plan.save()
    assert client.get(url).status_code == 404
    # The lookup is kept per council: the same plan slug under another council is not it.
    other = Plan.objects.filter(council__slug="norwich", visibility="public").first()
    response = client.get(other.get_absolute_url().replace(other.slug, plan.slug))
    assert response.status_code == 404
