"""A plan's page links its committee papers, impact assessments and the scrutiny
recommendations its actions deliver, and a report's page names each appendix's source;
each only as far as the reader may open it (demo data: Norwich's inequalities plan, its
published assessment and its report to Cabinet, not yet published)."""

import datetime

import pytest

from actionplans.models import Plan
from councils.models import Council, User
from impact.models import Assessment
from reports.models import CommitteeReport
from scrutiny.models import Recommendation, Source

pytestmark = pytest.mark.django_db


def login(client, username):
    client.force_login(User.objects.get(username=username))


@pytest.fixture
def plan():
    return Plan.objects.get(
        council__slug="norwich", title__icontains="inequalities", kind="action_plan"
    )


@pytest.fixture
def registers(plan):
    """A published register and an unpublished one, each with a recommendation delivered by
    one of the plan's actions."""
    council = plan.council
    action = plan.actions.order_by("order").first()
    made = {}
    for published in (True, False):
        source = Source.objects.create(
            council=council,
            title="Welfare reform inquiry" if published else "Confidential housing review",
            date=datetime.date(2015, 3, 10),
            is_published=published,
        )
        recommendation = Recommendation.objects.create(
            source=source, reference="3" if published else "9", text="Do better."
        )
        recommendation.actions.add(action)
        made[published] = recommendation
    return made


def test_the_public_see_published_work_only(client, plan, registers):
    body = client.get(plan.get_absolute_url()).content.decode()
    assessment = Assessment.objects.get(plan=plan, state="published")
    assert "Impact assessments" in body and assessment.get_absolute_url() in body
    assert "Recommendation 3 of Welfare reform inquiry" in body
    assert "Confidential housing review" not in body
    # The report to Cabinet has no published papers yet.
    assert "Committee papers" not in body
    report = CommitteeReport.objects.get(appendices__plan=plan, council=plan.council)
    assert report.get_absolute_url() not in body


def test_democratic_services_see_the_report_in_preparation(client, plan, registers):
    login(client, "norwich-democratic-services")
    body = client.get(plan.get_absolute_url()).content.decode()
    report = CommitteeReport.objects.filter(appendices__plan=plan).distinct().get()
    assert "Committee papers" in body and report.get_absolute_url() in body
    # Members of the council see its unpublished register too.
    assert "Confidential housing review" in body


def test_a_report_names_each_appendix_source_with_a_link(client, plan):
    login(client, "norwich-democratic-services")
    report = CommitteeReport.objects.filter(appendices__plan=plan).distinct().get()
    assessment = Assessment.objects.get(plan=plan, state="published")
    report.appendices.create(
        order=9, kind="impact_assessment", title="Impact assessment", assessment=assessment
    )
    body = client.get(report.get_absolute_url()).content.decode()
    assert "From the impact assessment" in body and assessment.get_absolute_url() in body
    assert "(0 actions)" not in body
    assert f'href="{plan.get_absolute_url()}"' in body


def test_an_outsider_sees_nothing_of_another_councils_drafts(client, plan, registers):
    login(client, "warwickshire-plan-manager")
    body = client.get(plan.get_absolute_url()).content.decode()
    assert "Confidential housing review" not in body
    assert "Committee papers" not in body
    assert Council.objects.filter(slug="warwickshire").exists()
