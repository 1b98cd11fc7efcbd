"""Atom feeds of what a public plan, or a council's public plans, publish (approved progress
updates and public committee papers), and a plan's deadlines as an iCalendar file. Open
data under the Open Government Licence, like the plan's exports; a plan that is not public
has no feed (404)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import icalendar
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, get_tag_uri
from django.utils.html import escape, linebreaks

from actionplans.caching import cache_public_page
from actionplans.emails import absolute_url
from actionplans.exports import LICENCE_NAME, LICENCE_URL
from actionplans.models import Plan
from actionplans.state import plan_states
from councils.models import Council
from following.changes import (
    paper_title,
    paper_url,
    papers_of_plan,
    public_papers,
    public_plans,
    published_updates,
    update_title,
)

ENTRIES = 50


@dataclass
class Entry:
    title: str
    description: str
    link: str
    author: str
    updated: datetime.datetime
    uid: str
    category: str


def _entries(updates, papers) -> list[Entry]:
    """The newest ENTRIES of both, newest first: two queries, however many there are."""
    entries = [
        Entry(
            title=update_title(update),
            description=linebreaks(escape(update.commentary or "No commentary was given.")),
            link=update.action.get_absolute_url(),
            author=update.author_title or update.action.plan.council.name,
            updated=update.created_at,
            uid=get_tag_uri(
                absolute_url(f"{update.action.get_absolute_url()}#update-{update.pk}"),
                update.created_at,
            ),
            category=update.action.plan.title,
        )
        for update in updates.order_by("-created_at", "-pk")[:ENTRIES]
    ]
    for publication in papers.order_by("-published_at", "-pk")[:ENTRIES]:
        report = publication.report
        item = f", item {report.item_number}" if report.item_number else ""
        entries.append(
            Entry(
                title=f"Committee paper: {paper_title(publication)}",
                description=linebreaks(
                    escape(
                        f"Published for the meeting on {report.meeting_date.day} "
                        f"{report.meeting_date:%B %Y}{item} (version {publication.version})."
                    )
                ),
                link=paper_url(publication),
                author=report.committee.name if report.committee else report.council.name,
                updated=publication.published_at,
                uid=get_tag_uri(
                    absolute_url(f"{paper_url(publication)}-version-{publication.version}"),
                    publication.published_at,
                ),
                category="Committee papers",
            )
        )
    entries.sort(key=lambda entry: entry.updated, reverse=True)
    return entries[:ENTRIES]


class _ProgressFeed(Feed):
    feed_type = Atom1Feed
    feed_copyright = f"Published under the {LICENCE_NAME}: {LICENCE_URL}"

    def item_title(self, entry: Entry) -> str:
        return entry.title  # Atom titles are text: the writer escapes them

    def item_description(self, entry: Entry) -> str:
        return entry.description

    def item_link(self, entry: Entry) -> str:
        return entry.link

    def item_guid(self, entry: Entry) -> str:
        return entry.uid

    def item_guid_is_permalink(self, entry: Entry) -> bool:
        return False

    def item_author_name(self, entry: Entry) -> str:
        return entry.author

    def item_updateddate(self, entry: Entry) -> datetime.datetime:
        return entry.updated

    def item_pubdate(self, entry: Entry) -> datetime.datetime:
        return entry.updated

    def item_categories(self, entry: Entry) -> list[str]:
        return [entry.category]


class PlanFeed(_ProgressFeed):
    def get_object(self, request, council_slug: str, plan_slug: str) -> Plan:
        return get_object_or_404(
            public_plans().select_related("council"), council__slug=council_slug, slug=plan_slug
        )

    def title(self, plan: Plan) -> str:
        return f"{plan.title}: progress – {plan.council.name}"

    def subtitle(self, plan: Plan) -> str:
        return "Progress updates on the plan's actions, and committee papers about it."

    def link(self, plan: Plan) -> str:
        return plan.get_absolute_url()

    def author_name(self, plan: Plan) -> str:
        return plan.council.name

    def items(self, plan: Plan) -> list[Entry]:
        updates = published_updates(Plan.objects.filter(pk=plan.pk))
        return _entries(updates, papers_of_plan(plan))


class CouncilFeed(_ProgressFeed):
    def get_object(self, request, council_slug: str) -> Council:
        return get_object_or_404(Council, slug=council_slug)

    def title(self, council: Council) -> str:
        return f"Progress on {council.name}’s plans"

    def subtitle(self, council: Council) -> str:
        return "Progress updates on the council's public plans, and its public committee papers."

    def link(self, council: Council) -> str:
        return council.get_absolute_url()

    def author_name(self, council: Council) -> str:
        return council.name

    def items(self, council: Council) -> list[Entry]:
        updates = published_updates(public_plans().filter(council=council))
        return _entries(updates, public_papers().filter(report__council=council))


# Signed-out readers all get the same feed: kept like the public pages, under the council's
# content version, which a new update, approval or paper raises.
plan_feed = cache_public_page(PlanFeed())
council_feed = cache_public_page(CouncilFeed())


@cache_public_page
def plan_calendar(request, council_slug: str, plan_slug: str) -> HttpResponse:
    """The plan's dated deadlines, each an all-day event on the day it counts as, with the
    words it was written in. Undated and ongoing deadlines are left out."""
    plan = get_object_or_404(
        public_plans().select_related("council"), council__slug=council_slug, slug=plan_slug
    )
    today = timezone.localdate()
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Council action plans//Deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{plan.title}: deadlines")
    stamp = timezone.now()
    for state in plan_states(plan, today):
        if not state.deadline_is_dated:
            continue
        action = state.action
        url = absolute_url(action.get_absolute_url())
        status = state.status.label if state.status else "No status reported"
        event = icalendar.Event()
        event.add("uid", f"action-{action.pk}-deadline@{plan.council.slug}.action-plans")
        event.add("dtstamp", stamp)
        event.add("dtstart", state.deadline_date)
        event.add("dtend", state.deadline_date + datetime.timedelta(days=1))
        event.add("summary", str(action))
        event.add(
            "description",
            f"Deadline as written: {state.deadline_text}\nStatus: {status}\n{url}",
        )
        event.add("url", url)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{plan.slug}-deadlines.ics"'
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    return response
