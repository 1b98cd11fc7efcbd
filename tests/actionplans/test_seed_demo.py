"""The demo data must hold the three council papers as written."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from actionplans.models import Action, BudgetLine, MeasureReading, Plan, ProgressUpdate, Workstream
from councils.models import Council, Department, Membership, Status, User

pytestmark = pytest.mark.django_db

NORWICH_PLAN = "reducing-inequalities-2015-16"


def norwich_actions():
    return Action.objects.filter(plan__slug=NORWICH_PLAN).select_related("workstream", "status")


def test_councils_and_plans_exist():
    assert set(Council.objects.values_list("slug", flat=True)) >= {
        "norwich",
        "warwickshire",
        "example-city",
    }
    plan = Plan.objects.get(slug=NORWICH_PLAN)
    assert plan.title == "Reducing Inequalities Action Plan 2015-16"
    assert plan.approved_by.name == "Cabinet"
    assert plan.approved_on == datetime.date(2015, 11, 4)
    assert [p.title for p in plan.corporate_priorities.all()] == ["A fair city"]


def test_norwich_plan_has_17_actions_in_5_workstreams_as_written():
    plan = Plan.objects.get(slug=NORWICH_PLAN)
    workstreams = list(plan.workstreams.all())
    assert [w.title for w in workstreams] == [
        "Coordinate and maximise advice and support for residents hardest hit by welfare changes",
        "Maximise opportunities for residents to access apprenticeships and jobs",
        "Ensure our services, procurement and assets have maximum impact in reducing inequality",
        "Trial locality-based solutions to improving wellbeing amongst disadvantaged groups",
        "Delivery mechanisms",
    ]
    assert [w.actions.count() for w in workstreams] == [4, 3, 4, 5, 1]
    titles = list(norwich_actions().values_list("title", flat=True))
    assert len(titles) == 17
    assert titles[0] == (
        "Ensure a smooth transition to Universal Credit which minimises negative impacts on"
        " residents"
    )
    assert (
        titles[-1] == "Officer inequalities group to offer advice, support and co-ordinate activity"
    )


@pytest.mark.parametrize(
    ("title_start", "status", "commentary"),
    [
        ("Ensure a smooth transition", "On target", ""),
        (
            "Maximise opportunities for residents to access local jobs",
            "Ongoing",
            "Jobs Fair delivered and local activity trialled in Lakenham",
        ),
        (
            "Promote innovative use of assets",
            "Yet to start",
            "but links to e.g. community assets work",
        ),
        ("Promote food growing", "Due to start", ""),
        ("Investigate Community shop", "Ongoing", "Initial proposals complete"),
    ],
)
def test_status_cells_split_into_word_and_commentary(title_start, status, commentary):
    action = norwich_actions().get(title__startswith=title_start)
    assert action.status.label == status
    assert action.status_commentary == commentary


def test_leads_are_split_into_departments_in_order():
    action = norwich_actions().get(title__startswith="Provide coordinated advice")
    assert [d.name for d in action.ordered_leads()] == [
        "Local Neighbourhood Services",
        "Strategy",
        "Housing",
        "Strategic Housing",
    ]
    support = norwich_actions().get(title__startswith="Support young people")
    assert support.lead_display() == "City Development, HR, Procurement"


@pytest.mark.parametrize(
    ("title_start", "text", "date", "precision"),
    [
        ("Ensure a smooth transition", "December 2015", datetime.date(2015, 12, 31), "month"),
        ("Encourage residents", "November 2015 onwards", datetime.date(2015, 11, 30), "ongoing"),
        ("Review Go for Less", "Dec 2015", datetime.date(2015, 12, 31), "month"),
        ("Maximising external funding", "Ongoing", None, "ongoing"),
    ],
)
def test_norwich_deadlines_keep_words_date_and_precision(title_start, text, date, precision):
    action = norwich_actions().get(title__startswith=title_start)
    assert (action.deadline_text, action.deadline_date, action.deadline_precision) == (
        text,
        date,
        precision,
    )


def test_every_norwich_status_came_through_a_progress_update():
    for action in norwich_actions():
        latest = action.updates.first()
        assert latest is not None, action.title
        assert latest.status == action.status
        assert latest.commentary == action.status_commentary


def test_lakenham_pilot_has_ward_priority_and_partners():
    actions = Action.objects.filter(plan__slug="lakenham-pilot-activity")
    assert actions.count() == 7
    gp = actions.get(title="GP referrals to debt advice")
    assert gp.priority == "Maximising income"
    assert [w.name for w in gp.wards.all()] == ["Lakenham"]
    assert {p.name for p in gp.partners.all()} == {
        "GP surgeries",
        "Children's Centre",
        "Healthy Norwich",
    }
    assert gp.partners_note.startswith(
        "GP surgeries, Children's Centre, fuel poverty referral route"
    )
    assert all(a.wards.filter(name="Lakenham").exists() for a in actions)


def test_equalities_plan_has_7_objectives_18_actions_and_duty_aims():
    plan = Plan.objects.get(slug="equalities-action-plan-2013-2016")
    objectives = Workstream.objects.filter(plan=plan, parent__isnull=False)
    assert list(objectives.values_list("reference", flat=True)) == [
        f"Objective {n}" for n in range(1, 8)
    ]
    actions = plan.actions.all()
    assert [a.reference for a in actions] == [f"{n}." for n in range(1, 19)]
    by_ref = {a.reference: a for a in actions}
    assert by_ref["1."].equality_aims() == [
        "Eliminate discrimination, harassment and victimisation"
    ]
    assert by_ref["7."].equality_aims() == ["Foster good relations"]
    assert by_ref["13."].serves_advance_equality and by_ref["13."].serves_foster_relations
    assert by_ref["8."].equality_aims() == []
    assert by_ref["14."].deadline_text == "2014/ 15"
    assert by_ref["14."].deadline_date == datetime.date(2015, 3, 31)
    assert by_ref["18."].deadline_text == "Following conclusion of Scrutiny Inquiry"
    assert by_ref["18."].deadline_date is None
    assert by_ref["3."].lead_officer_title == "Director of Health and Adult Social Care"
    assert "self directed support" in by_ref["3."].measures_text
    assert by_ref["9."].workstream.parent.title == "Service Development and Delivery"


def test_county_strategy_has_three_priorities_and_budget():
    plan = Plan.objects.get(slug="tackling-social-inequalities")
    titles = list(plan.workstreams.values_list("title", flat=True))[:3]
    assert titles == [
        "Developing the workforce and culture",
        "Improving access to goods, resources, services and communities",
        "Supporting people to maximise and manage their income",
    ]
    lines = BudgetLine.objects.filter(plan=plan)
    assert [(b.financial_year_label, b.amount) for b in lines] == [
        ("2021/22", Decimal("300000.00")),
        ("2022/23", Decimal("250000.00")),
        ("2023/24", Decimal("250000.00")),
    ]


def test_history_and_readings_exist_for_pages_to_show():
    assert (
        ProgressUpdate.objects.filter(action__plan__slug="equalities-action-plan-2013-2016").count()
        >= 5
    )
    assert MeasureReading.objects.count() >= 5


def test_demo_users_have_job_titles_and_a_role_each():
    for membership in Membership.objects.filter(council__slug="norwich").select_related("user"):
        assert membership.user.job_title
    roles = set(Membership.objects.filter(council__slug="norwich").values_list("role", flat=True))
    assert roles == set(Membership.Role.values)
    assert User.objects.get(username="admin").is_superuser


def test_seed_demo_is_idempotent(capsys):
    models = [
        Council,
        Department,
        Status,
        Plan,
        Workstream,
        Action,
        ProgressUpdate,
        MeasureReading,
        User,
    ]
    before = {m.__name__: m.objects.count() for m in models}
    history_before = Action.history.count()
    call_command("seed_demo", quiet_users=True)
    after = {m.__name__: m.objects.count() for m in models}
    assert after == before
    assert Action.history.count() == history_before
    assert "Norwich City Council: 2 plans, 24 actions" in capsys.readouterr().out


def test_seed_demo_lists_users_with_password(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "norwich-officer" in out and "Officer at Norwich City Council" in out
    assert "password for all: demo-council-2015" in out


def test_statuses_map_to_rag_and_meaning():
    norwich = Council.objects.get(slug="norwich")
    on_target = Status.objects.get(council=norwich, label="On target")
    assert on_target.rag == "green" and on_target.is_started and not on_target.is_complete
    yet = Status.objects.get(council=norwich, label="Yet to start")
    assert yet.rag == "grey" and not yet.is_started
    assert Department.objects.filter(council=norwich, name="Local Neighbourhood Services").exists()
