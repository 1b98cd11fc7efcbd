"""create_plan(): the parsed sheet becomes a draft plan with its workstreams, leads as the
council's departments, and one progress update per reported action, dated as at the sheet's
date and saying which file it was imported from."""

import datetime

import pytest

from actionplans.imports import ImportProblem, create_plan, read_plan
from actionplans.models import Action, Plan, ProgressUpdate, Workstream
from councils.models import Department
from tests.spreadsheets.sheets import xlsx
from tests.spreadsheets.test_columns import (
    MILESTONE_SHEET,
    OBJECTIVE_SHEET,
    STATUS_RAG_SHEET,
    THEME_SHEET,
)
from tests.spreadsheets.test_refusals import NO_COMMENTARY_SHEET
from tests.spreadsheets.test_structure import TITLE_BLOCK_SHEET

pytestmark = pytest.mark.django_db

D = datetime.date


def updates_of(plan: Plan) -> list[ProgressUpdate]:
    return list(
        ProgressUpdate.objects.filter(action__plan=plan)
        .select_related("action", "status")
        .order_by("action__order")
    )


def test_theme_plan_is_created_with_nested_workstreams_leads_and_dated_updates(council, importer):
    parsed = read_plan(
        xlsx(THEME_SHEET),
        "Wellbeing_Plan_Q2.xlsx",
        council,
        as_at=D(2016, 9, 30),
        accept_suggestions=True,
    )
    plan = create_plan(parsed, council, title="Health and Wellbeing Plan 2016-2019", by=importer)

    assert plan.council == council
    assert plan.title == "Health and Wellbeing Plan 2016-2019"
    assert plan.lifecycle == Plan.Lifecycle.DRAFT

    workstreams = [
        (ws.title, ws.parent.title if ws.parent else None)
        for ws in Workstream.objects.filter(plan=plan).select_related("parent")
    ]
    assert workstreams == [
        ("Healthy Lives", None),
        ("Active communities", "Healthy Lives"),
        ("Mental wellbeing", "Healthy Lives"),
        ("Safer Neighbourhoods", None),
        ("Anti-social behaviour", "Safer Neighbourhoods"),
    ]

    actions = list(Action.objects.filter(plan=plan).select_related("workstream"))
    assert [(a.reference, a.title, a.workstream.title) for a in actions] == [
        ("1.1", "Open the refurbished Riverside Leisure Centre", "Active communities"),
        ("1.2", "Extend free swimming to under-16s in the school holidays", "Active communities"),
        ("1.3", "Commission a social prescribing service with the CCG", "Mental wellbeing"),
        ("2.1", "Introduce a Public Spaces Protection Order for the town centre",
         "Anti-social behaviour"),
        ("2.2", "Train licensed premises staff to spot vulnerability at night",
         "Anti-social behaviour"),
    ]  # fmt: skip
    assert [[d.name for d in a.ordered_leads()] for a in actions] == [
        ["Leisure and Culture"],
        ["Leisure and Culture"],
        ["Public Health"],
        ["Community Safety"],
        ["Licensing"],
    ]
    assert all(d.council_id == council.pk for a in actions for d in a.ordered_leads()), (
        "leads are the council's own departments"
    )
    assert Department.objects.filter(council=council, name="Leisure and Culture").count() == 1
    assert [a.lead_officer_title for a in actions] == [
        "Leisure Services Manager",
        "Sport and Physical Activity Manager",
        "Consultant in Public Health",
        "Community Safety Manager",
        "Licensing Team Leader",
    ]
    assert [(a.deadline_text, a.deadline_date) for a in actions] == [
        ("September 2016", D(2016, 9, 30)),
        ("Q3 2016/17", D(2016, 12, 31)),
        ("March 2017", D(2017, 3, 31)),
        ("December 2016", D(2016, 12, 31)),
        ("Q1 2017/18", D(2017, 6, 30)),
    ]

    updates = updates_of(plan)
    assert [(u.action.reference, u.status.label, u.percent_complete) for u in updates] == [
        ("1.1", "Complete", 100),
        ("1.2", "On target", 60),
        ("1.3", "Behind schedule", 25),
        ("2.1", "On target", 50),
        ("2.2", "Not started", 0),
    ]
    assert [u.commentary for u in updates[:4]] == [
        "Opened to the public on 5 September 2016.",
        "Summer scheme ran with 2,300 attendances.",
        "Procurement paused while the CCG confirms its funding share.",
        "Consultation closed on 31 August with 212 responses.",
    ]
    assert {u.reported_on for u in updates} == {D(2016, 9, 30)}
    assert {u.author for u in updates} == {importer}
    for update in updates:
        assert "imported from wellbeing_plan_q2.xlsx" in update.author_title.lower()


def test_updates_are_dated_at_the_as_at_the_sheet_names(council, importer):
    parsed = read_plan(
        xlsx(TITLE_BLOCK_SHEET), "delivery_plan_q2.xlsx", council, accept_suggestions=True
    )
    assert parsed.as_at == D(2016, 9, 30)

    plan = create_plan(parsed, council, title="Annual Delivery Plan 2016/17", by=importer)

    updates = updates_of(plan)
    assert [(u.action.reference, u.status.label) for u in updates] == [
        ("CP01", "On target"),
        ("CP02", "Some slippage"),
        ("CP03", "Complete"),
        ("CP04", "Not started"),
        ("CP05", "Behind schedule"),
    ]
    assert {u.reported_on for u in updates} == {D(2016, 9, 30)}
    assert all("imported from delivery_plan_q2.xlsx" in u.author_title.lower() for u in updates)
    actions = Action.objects.filter(plan=plan)
    assert [a.lead_officer_title for a in actions] == [
        "Chief Finance Officer",
        "Head of Property and Facilities",
        "Customer Services Manager",
        "Head of Economic Development",
        "Head of Community Services",
    ]


def test_leads_keep_the_directorate_first_and_departments_are_shared(council, importer):
    parsed = read_plan(xlsx(OBJECTIVE_SHEET), "housing_delivery_plan.xlsx", council)
    plan = create_plan(parsed, council, title="Housing Delivery Plan", by=importer)

    actions = list(Action.objects.filter(plan=plan))
    assert [[d.name for d in a.ordered_leads()] for a in actions] == [
        ["Housing and Community Services", "Housing Strategy"],
        ["Housing and Community Services", "Housing Options"],
        ["Housing and Community Services", "Housing Options"],
        ["Corporate Resources", "Legal and Democratic Services"],
        ["Environment & Regeneration", "Economic Development"],
    ]
    assert Department.objects.filter(council=council).count() == 7
    assert [ws.title for ws in Workstream.objects.filter(plan=plan)] == [
        "Increase the supply of affordable homes",
        "Reduce homelessness",
        "A thriving local economy",
    ]
    # No date named anywhere: the updates are still recorded, by the importer.
    updates = updates_of(plan)
    assert len(updates) == 5
    assert {u.author for u in updates} == {importer}


def test_unconfirmed_statuses_block_the_import_until_mapped(council, importer, statuses):
    data = xlsx(STATUS_RAG_SHEET)
    parsed = read_plan(data, "csp_plan_q2.xlsx", council)

    with pytest.raises(ImportProblem):
        create_plan(parsed, council, title="Community Safety Plan", by=importer)
    assert not Plan.objects.filter(council=council).exists()

    meaning = {
        "slipped": "Behind schedule",
        "ongoing": "Some slippage",
        "on track": "On target",
        "see comments": "On target",
    }
    status_map = {word: statuses[meaning[word.casefold()]] for word in parsed.unknown_statuses}
    mapped = read_plan(data, "csp_plan_q2.xlsx", council, status_map=status_map)
    assert mapped.unknown_statuses == {}
    assert [a.status.label for a in mapped.actions] == [
        "Complete",
        "Behind schedule",
        "Some slippage",
        "On target",
        "On target",
        "On target",
    ]

    plan = create_plan(mapped, council, title="Community Safety Plan", by=importer)
    updates = updates_of(plan)
    assert [u.status.label for u in updates] == [a.status.label for a in mapped.actions]
    assert {u.reported_on for u in updates} == {D(2016, 9, 30)}
    # The progress text is the commentary, word for word.
    assert updates[2].commentary == "Completed the consultation stage; decision delayed to Q4."


def test_amber_and_red_without_commentary_are_created_not_refused(council, importer):
    parsed = read_plan(xlsx(NO_COMMENTARY_SHEET), "leisure_plan.xlsx", council)

    plan = create_plan(parsed, council, title="Leisure Plan", by=importer)

    assert [a.reference for a in Action.objects.filter(plan=plan)] == ["L1", "L2", "L3", "L4"]


def test_completed_milestones_are_recorded_complete(council, importer):
    parsed = read_plan(
        xlsx(MILESTONE_SHEET), "local_plan_milestones.xlsx", council, accept_suggestions=True
    )
    plan = create_plan(parsed, council, title="Local Plan Timetable", by=importer)

    actions = list(Action.objects.filter(plan=plan).select_related("status"))
    assert [a.status.label if a.status else None for a in actions] == [
        "Complete",
        "Complete",
        None,
        None,
        "Complete",
    ]
    assert [a.lead_officer_title for a in actions] == [
        "Planning Policy Manager",
        "Principal Planning Officer",
        "Head of Planning",
        "Head of Planning",
        "Infrastructure Planning Manager",
    ]
    assert not Department.objects.filter(council=council).exists()
