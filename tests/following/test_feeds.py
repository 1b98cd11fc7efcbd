"""Atom feeds of a public plan and of a council, and a plan's deadlines as a calendar: what a
feed reader or a calendar gets, and nothing from plans the public may not read."""

import datetime
import xml.etree.ElementTree as ET

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.exports import LICENCE_URL
from tests.following.conftest import make_action, publish, update

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_url(plan) -> str:
    return reverse("following:plan-feed", args=[plan.council.slug, plan.slug])


def council_feed_url(council) -> str:
    return reverse("following:council-feed", args=[council.slug])


def calendar_url(plan) -> str:
    return reverse("following:plan-calendar", args=[plan.council.slug, plan.slug])


def entries(client, url: str) -> tuple[ET.Element, list[dict]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    found = [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "summary": entry.findtext(f"{ATOM}summary") or "",
            "link": entry.find(f"{ATOM}link").get("href"),
            "author": entry.findtext(f"{ATOM}author/{ATOM}name"),
            "updated": entry.findtext(f"{ATOM}updated"),
            "id": entry.findtext(f"{ATOM}id"),
        }
        for entry in root.findall(f"{ATOM}entry")
    ]
    return root, found


def test_a_plans_feed_gives_each_published_update_and_paper(
    client, plans_a, homes, officer, hidden
):
    update(homes, officer, "Delayed", commentary="Planning permission took longer & cost more.")
    latest = update(homes, officer, "On track", commentary="Foundations laid for 40 homes.")
    publish(plans_a["public"], "Housing delivery: progress")
    root, found = entries(client, feed_url(plans_a["public"]))

    assert LICENCE_URL in root.findtext(f"{ATOM}rights")
    assert [e["title"] for e in found] == [
        "Committee paper: Housing delivery: progress (Committee, 14 March 2016)",
        "10a Build 200 homes: On track",
        "10a Build 200 homes: Delayed",
    ]
    newest = found[1]
    assert "Foundations laid for 40 homes." in newest["summary"]
    assert newest["author"] == "Housing manager"  # the job title, never a person's name
    assert newest["link"] == "http://testserver" + homes.get_absolute_url()
    assert newest["updated"].startswith(latest.created_at.strftime("%Y-%m-%dT%H:%M"))
    assert "took longer &amp; cost more" in found[2]["summary"]  # escaped HTML, read as text
    assert found[0]["link"].endswith(
        reverse("reports:papers", args=["anytown"])
        + "#report-"
        + str(plans_a["public"].council.reports.get(subject="Housing delivery: progress").pk)
    )
    assert len({e["id"] for e in found}) == 3
    text = ET.tostring(root, encoding="unicode")
    assert "Secret" not in text and "Exempt report" not in text


def test_an_update_waiting_for_approval_is_not_in_the_feed(client, plans_a, homes, officer):
    plans_a["public"].requires_approval = True
    plans_a["public"].save()
    update(homes, officer, commentary="Not yet approved")
    _, found = entries(client, feed_url(plans_a["public"]))
    assert found == []


@pytest.mark.parametrize("key", ["members", "private", "draft"])
def test_a_plan_the_public_may_not_read_has_no_feed_or_calendar(
    client, plans_a, hidden, key, superuser
):
    client.force_login(superuser)  # even someone who may read the plan: feeds are public data
    assert client.get(feed_url(plans_a[key])).status_code == 404
    assert client.get(calendar_url(plans_a[key])).status_code == 404


def test_the_council_feed_has_every_public_plan_and_nothing_else(
    client, council_a, plans_a, homes, officer, hidden
):
    update(homes, officer, commentary="Public progress")
    publish(plans_a["public"], "Public report")
    root, found = entries(client, council_feed_url(council_a))
    assert sorted(e["title"] for e in found) == [
        "10a Build 200 homes: On track",
        "Committee paper: Public report (Committee, 14 March 2016)",
    ]
    text = ET.tostring(root, encoding="unicode")
    assert "Secret" not in text and "Exempt report" not in text
    assert LICENCE_URL in root.findtext(f"{ATOM}rights")


def test_a_feed_gives_the_newest_fifty(client, plans_a, homes, officer):
    for n in range(55):
        update(homes, officer, commentary=f"Update {n}", reported_on=datetime.date(2016, 6, 1))
    _, found = entries(client, feed_url(plans_a["public"]))
    assert len(found) == 50
    assert "Update 54" in found[0]["summary"] and "Update 5<" in found[-1]["summary"]


def test_unknown_council_or_plan_is_404(client, plans_a):
    assert client.get(council_feed_url(type("C", (), {"slug": "nowhere"}))).status_code == 404
    assert client.get(reverse("following:plan-feed", args=["anytown", "nope"])).status_code == 404
    assert (
        client.get(reverse("following:plan-calendar", args=["nowhere", "nope"])).status_code == 404
    )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_feeds_and_calendar_read_a_fixed_number_of_queries(client, council_a, plans_a, officer):
    plan = plans_a["public"]
    urls = [feed_url(plan), council_feed_url(council_a), calendar_url(plan)]
    first = make_action(plan, "1", "First", "Q3 2016/17")
    update(first, officer)
    publish(plan, "One paper")
    few = [count_queries(client, url) for url in urls]
    for n in range(2, 12):
        action = make_action(plan, str(n), f"Action {n}", "March 2017", order=n)
        update(action, officer, commentary=f"Update {n}")
        publish(plan, f"Paper {n}")
    assert [count_queries(client, url) for url in urls] == few


def test_the_calendar_has_each_dated_deadline_as_an_all_day_event(client, plans_a, homes, officer):
    update(homes, officer, "Delayed", commentary="Behind")
    make_action(plans_a["public"], "11", "Keep the register open", "Ongoing", order=2)
    make_action(plans_a["public"], "12", "Review the strategy", "", order=3)
    make_action(plans_a["public"], "13", "Open the hub", "15/04/2016", order=4)
    response = client.get(calendar_url(plans_a["public"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"10a Build 200 homes", "13 Open the hub"}
    homes_event = events["10a Build 200 homes"]
    # Q3 2016/17 counts as its last day, 31 December 2016, all day.
    assert homes_event["DTSTART"].params["VALUE"] == "DATE"
    assert homes_event.decoded("DTSTART") == datetime.date(2016, 12, 31)
    assert "Deadline as written: Q3 2016/17" in str(homes_event["DESCRIPTION"])
    assert "Status: Delayed" in str(homes_event["DESCRIPTION"])
    assert str(homes_event["URL"]).endswith(homes.get_absolute_url())
    assert events["13 Open the hub"].decoded("DTSTART") == datetime.date(2016, 4, 15)
    # The same action keeps its UID from one download to the next.
    again = icalendar.Calendar.from_ical(client.get(calendar_url(plans_a["public"])).content)
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == {str(e["UID"]) for e in events.values()}


def test_the_plan_page_links_to_its_feeds_and_email_updates(client, plans_a, homes):
    page = client.get(plans_a["public"].get_absolute_url()).content.decode()
    assert feed_url(plans_a["public"]) in page
    assert calendar_url(plans_a["public"]) in page
    assert reverse("following:plan-email", args=["anytown", "public-plan"]) in page
    assert "csrfmiddlewaretoken" not in page[page.index('id="follow"') :]


def test_a_members_plan_page_offers_no_feeds(client, plans_a, member):
    client.force_login(member)
    page = client.get(plans_a["members"].get_absolute_url()).content.decode()
    assert "feed.atom" not in page and "deadlines.ics" not in page
