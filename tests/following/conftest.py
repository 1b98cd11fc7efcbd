"""A public plan with an action to follow, a paper published from it, and the same in the
members-only and private plans, which no feed or email may show."""

import datetime

import pytest

from actionplans.models import Action
from actionplans.services import record_update
from councils.models import Status, Ward
from reports.models import CommitteeReport, Publication


def make_action(plan, reference: str, title: str, deadline: str, order: int = 1) -> Action:
    action = Action(plan=plan, reference=reference, title=title, order=order)
    action.set_deadline(deadline)
    action.save()
    return action


def update(action, officer, label: str = "On track", commentary: str = "", **extra):
    status = Status.objects.get(council=action.plan.council, label=label)
    return record_update(
        action,
        by=officer,
        status=status,
        commentary=commentary,
        author_title="Housing manager",
        **extra,
    )


def publish(plan, subject: str, *, exempt: bool = False, at=None) -> Publication:
    report = CommitteeReport.objects.create(
        council=plan.council,
        meeting_date=datetime.date(2016, 3, 14),
        item_number="7",
        report_of="Chief executive",
        subject=subject,
        is_exempt=exempt,
    )
    publication = Publication.objects.create(
        report=report, version=1, was_exempt=exempt, **({"published_at": at} if at else {})
    )
    publication.sources.create(kind="plan", plan=plan, title=plan.title, was_public=plan.is_public)
    return publication


@pytest.fixture
def homes(plans_a, officer) -> Action:
    """10a Build 200 homes, in the public plan."""
    return make_action(plans_a["public"], "10a", "Build 200 homes", "Q3 2016/17")


@pytest.fixture
def hidden(plans_a, officer) -> dict[str, Action]:
    """An action in each plan the public may not read, with an update and a paper."""
    actions = {}
    for key in ("members", "private", "draft"):
        action = make_action(plans_a[key], "1", f"Secret {key} action", "March 2017")
        update(action, officer, commentary=f"Secret {key} commentary")
        publish(plans_a[key], f"Secret {key} report")
        actions[key] = action
    publish(plans_a["public"], "Exempt report on the public plan", exempt=True)
    return actions


@pytest.fixture
def ward(council_a, homes) -> Ward:
    ward = Ward.objects.create(council=council_a, name="Lakenham")
    homes.wards.add(ward)
    return ward
