"""What has been published that a follower wants to know: approved progress updates on
public plans, and public committee papers. The feeds and the email digests read these, so
they agree on what is public."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse

from actionplans.models import Plan, ProgressUpdate
from councils.models import Ward
from reports.models import Publication


def public_plans() -> QuerySet[Plan]:
    """Plans anyone may read: the only ones a feed or a digest says anything about."""
    return Plan.objects.visible_to(AnonymousUser())


def published_updates(plans: QuerySet[Plan]) -> QuerySet[ProgressUpdate]:
    """Approved updates on the actions of these plans, each with `published_at`: when it
    was approved, or recorded if it needed no approval."""
    return (
        ProgressUpdate.objects.approved()
        .filter(action__plan__in=plans)
        .annotate(published_at=Coalesce("reviewed_at", "created_at"))
        .select_related("action__plan__council", "status")
    )


def public_papers() -> QuerySet[Publication]:
    """Published versions of committee reports anyone may download, with their report."""
    return Publication.objects.public().select_related("report__council", "report__committee")


def papers_of_plan(plan: Plan) -> QuerySet[Publication]:
    return public_papers().filter(sources__kind="plan", sources__plan=plan).distinct()


def paper_url(publication: Publication) -> str:
    """The report's place on its council's public papers page."""
    report = publication.report
    return reverse("reports:papers", args=[report.council.slug]) + f"#report-{report.pk}"


def update_title(update: ProgressUpdate) -> str:
    """ "10a Build 200 homes: On track"."""
    status = update.status.label if update.status else "No status reported"
    return f"{update.action}: {status}"


def paper_title(publication: Publication) -> str:
    report = publication.report
    committee = report.committee.name if report.committee else "Committee"
    return f"{report.subject} ({committee}, {report.meeting_date.day} {report.meeting_date:%B %Y})"


@dataclass
class Changes:
    """What was published for one subscription between two moments."""

    updates: list[ProgressUpdate]
    papers: list[Publication]

    def __bool__(self) -> bool:
        return bool(self.updates or self.papers)


def changes_for_plan(plan: Plan, since: datetime.datetime, until: datetime.datetime) -> Changes:
    """Updates and papers of the plan published after `since` and by `until`; nothing at
    all if the plan is not public now."""
    plans = public_plans().filter(pk=plan.pk)
    if not plans.exists():
        return Changes([], [])
    updates = _published_between(published_updates(plans), since, until)
    papers = papers_of_plan(plan).filter(published_at__gt=since, published_at__lte=until)
    return Changes(list(updates), list(papers.order_by("-published_at")))


def changes_for_ward(ward: Ward, since: datetime.datetime, until: datetime.datetime) -> Changes:
    """Updates published after `since` and by `until` on actions in the ward, in public
    plans, grouped by plan."""
    updates = published_updates(public_plans().filter(council_id=ward.council_id)).filter(
        action__wards=ward
    )
    updates = _published_between(updates, since, until).order_by(
        "action__plan__title", "action__plan_id", "action__order", F("published_at").desc()
    )
    return Changes(list(updates), [])


def _published_between(updates, since, until):
    return updates.filter(published_at__gt=since, published_at__lte=until).order_by(
        "action__order", "action_id", F("published_at").desc()
    )
