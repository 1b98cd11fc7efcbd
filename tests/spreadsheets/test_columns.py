"""Layouts that differ in which columns a plan keeps: the group as a column (one level or
two), leads as directorate and service, RAG letters without a status word, a status with a
RAG beside it and a progress text, free progress text only, and milestone dates.

Rows are written as (row, reference, title, group, lead, deadline, status, percent,
commentary): see tests/spreadsheets/sheets.py for how each is read."""

import datetime

import pytest

from actionplans.imports import read_plan
from councils.models import Department
from tests.spreadsheets.sheets import check_rows, roles_of, workstream_tree, xlsx

pytestmark = pytest.mark.django_db

D = datetime.date

# 1. The objective as a column, with a lead directorate and a service -------------------

OBJECTIVE_SHEET = [
    ["Key Objective", "Action", "Lead Directorate", "Service", "Target Date", "Status", "Comments"],
    [
        "Increase the supply of affordable homes",
        "Deliver 120 affordable homes through the council's housing company",
        "Housing and Community Services",
        "Housing Strategy",
        "March 2017",
        "On target",
        "68 homes completed and 40 on site.",
    ],
    [
        "Increase the supply of affordable homes",
        "Adopt a new Tenancy Strategy",
        "Housing and Community Services",
        "Housing Options",
        "December 2016",
        "Complete",
        "Adopted by Cabinet on 12 September 2016.",
    ],
    [
        "Reduce homelessness",
        "Open a second temporary accommodation hostel",
        "Housing and Community Services",
        "Housing Options",
        "Q4 2016/17",
        "Some Slippage",
        "Planning consent took longer than expected; opening now May 2017.",
    ],
    [
        "Reduce homelessness",
        "Review the Housing Allocations Policy",
        "Corporate Resources",
        "Legal and Democratic Services",
        "September 2016",
        "Not started",
        None,
    ],
    [
        "A thriving local economy",
        "Launch a business rates relief scheme for new town-centre businesses",
        "Environment & Regeneration",
        "Economic Development",
        "October 2016",
        "on target",
        "Scheme approved; 14 applications received.",
    ],
]

OBJECTIVE_ROWS = [
    (2, "", "Deliver 120 affordable homes through the council's housing company",
     "Increase the supply of affordable homes", "Housing and Community Services; Housing Strategy",
     "March 2017", "On target", None, "68 homes completed and 40 on site."),
    (3, "", "Adopt a new Tenancy Strategy",
     "Increase the supply of affordable homes", "Housing and Community Services; Housing Options",
     "December 2016", "Complete", None, "Adopted by Cabinet on 12 September 2016."),
    (4, "", "Open a second temporary accommodation hostel",
     "Reduce homelessness", "Housing and Community Services; Housing Options",
     "Q4 2016/17", "Some slippage", None,
     "Planning consent took longer than expected; opening now May 2017."),
    (5, "", "Review the Housing Allocations Policy",
     "Reduce homelessness", "Corporate Resources; Legal and Democratic Services",
     "September 2016", "Not started", None, ""),
    (6, "", "Launch a business rates relief scheme for new town-centre businesses",
     "A thriving local economy", "Environment & Regeneration; Economic Development",
     "October 2016", "On target", None, "Scheme approved; 14 applications received."),
]  # fmt: skip


def test_objective_column_groups_actions_and_directorate_then_service_lead(council):
    parsed = read_plan(xlsx(OBJECTIVE_SHEET), "housing_delivery_plan.xlsx", council)

    check_rows(parsed, OBJECTIVE_ROWS)
    assert workstream_tree(parsed) == [
        "Increase the supply of affordable homes",
        "Reduce homelessness",
        "A thriving local economy",
    ]
    assert roles_of(parsed) == {
        "A": "group",
        "B": "title",
        "C": "lead",
        "D": "lead",
        "E": "deadline",
        "F": "status",
        "G": "commentary",
    }
    assert [c.header for c in parsed.columns] == OBJECTIVE_SHEET[0]
    assert all(c.how == "header" for c in parsed.columns)
    assert parsed.errors == []
    assert parsed.unknown_statuses == {}


# 2. Theme and sub-theme columns: two group levels ---------------------------------------

THEME_SHEET = [
    ["Theme", "Sub-theme", "Ref", "Action", "Lead Service", "Lead Officer", "By When",
     "Progress Status", "% Complete", "Update"],
    ["Healthy Lives", "Active communities", "1.1", "Open the refurbished Riverside Leisure Centre",
     "Leisure and Culture", "Leisure Services Manager", "September 2016", "Completed", 100,
     "Opened to the public on 5 September 2016."],
    ["Healthy Lives", "Active communities", "1.2",
     "Extend free swimming to under-16s in the school holidays", "Leisure and Culture",
     "Sport and Physical Activity Manager", "Q3 2016/17", "On track", 60,
     "Summer scheme ran with 2,300 attendances."],
    ["Healthy Lives", "Mental wellbeing", "1.3",
     "Commission a social prescribing service with the CCG", "Public Health",
     "Consultant in Public Health", "March 2017", "Behind schedule", 25,
     "Procurement paused while the CCG confirms its funding share."],
    ["Safer Neighbourhoods", "Anti-social behaviour", "2.1",
     "Introduce a Public Spaces Protection Order for the town centre", "Community Safety",
     "Community Safety Manager", "December 2016", "On target", 50,
     "Consultation closed on 31 August with 212 responses."],
    ["Safer Neighbourhoods", "Anti-social behaviour", "2.2",
     "Train licensed premises staff to spot vulnerability at night", "Licensing",
     "Licensing Team Leader", "Q1 2017/18", "Yet to start", 0, None],
]  # fmt: skip

THEME_ROWS = [
    (2, "1.1", "Open the refurbished Riverside Leisure Centre",
     "Healthy Lives > Active communities", "Leisure and Culture (Leisure Services Manager)",
     "September 2016", "~Complete", 100, "Opened to the public on 5 September 2016."),
    (3, "1.2", "Extend free swimming to under-16s in the school holidays",
     "Healthy Lives > Active communities",
     "Leisure and Culture (Sport and Physical Activity Manager)",
     "Q3 2016/17", "~On target", 60, "Summer scheme ran with 2,300 attendances."),
    (4, "1.3", "Commission a social prescribing service with the CCG",
     "Healthy Lives > Mental wellbeing", "Public Health (Consultant in Public Health)",
     "March 2017", "Behind schedule", 25,
     "Procurement paused while the CCG confirms its funding share."),
    (5, "2.1", "Introduce a Public Spaces Protection Order for the town centre",
     "Safer Neighbourhoods > Anti-social behaviour",
     "Community Safety (Community Safety Manager)",
     "December 2016", "On target", 50, "Consultation closed on 31 August with 212 responses."),
    (6, "2.2", "Train licensed premises staff to spot vulnerability at night",
     "Safer Neighbourhoods > Anti-social behaviour", "Licensing (Licensing Team Leader)",
     "Q1 2017/18", "~Not started", 0, ""),
]  # fmt: skip


def test_theme_and_sub_theme_columns_make_two_levels(council):
    parsed = read_plan(xlsx(THEME_SHEET), "wellbeing_plan.xlsx", council)

    check_rows(parsed, THEME_ROWS)
    assert workstream_tree(parsed) == [
        "Healthy Lives",
        "Healthy Lives > Active communities",
        "Healthy Lives > Mental wellbeing",
        "Safer Neighbourhoods",
        "Safer Neighbourhoods > Anti-social behaviour",
    ]
    assert roles_of(parsed) == {
        "A": "group",
        "B": "group",
        "C": "reference",
        "D": "title",
        "E": "lead",
        "F": "lead_officer",
        "G": "deadline",
        "H": "status",
        "I": "percent",
        "J": "commentary",
    }
    # One workstream object per group, shared by its actions.
    first, second = parsed.actions[0], parsed.actions[1]
    assert first.workstream is second.workstream
    assert parsed.actions[2].workstream.parent is first.workstream.parent


def test_suggested_statuses_are_listed_as_unknown_words(council):
    parsed = read_plan(xlsx(THEME_SHEET), "wellbeing_plan.xlsx", council)

    unknown = {word.casefold(): rows for word, rows in parsed.unknown_statuses.items()}
    assert unknown == {"completed": [2], "on track": [3], "yet to start": [6]}


def test_accepting_suggestions_confirms_them(council):
    parsed = read_plan(xlsx(THEME_SHEET), "wellbeing_plan.xlsx", council, accept_suggestions=True)

    labels = [action.status.label for action in parsed.actions]
    assert labels == ["Complete", "On target", "Behind schedule", "On target", "Not started"]


# 3. RAG letters only, no status word ----------------------------------------------------

RAG_SHEET = [
    ["No.", "Activity", "Responsible Team", "Timescale", "RAG", "Notes"],
    [1, "Carry out a stock condition survey of council-owned garages", "Property Services",
     "Q3 2016/17", "R", "Surveyor post vacant since June; agency cover from October."],
    [2, "Replace street lighting lanterns with LED units", "Highways and Transport", "2016/17",
     "A", "Phase 1 complete; phase 2 waiting for the lantern delivery."],
    [3, "Publish a revised Statement of Community Involvement", "Planning Policy", "June 2016",
     "G", "Draft approved for consultation."],
    [4, "Set up a tenants' scrutiny panel", "Housing Management", "Ongoing", "g",
     "Panel meets quarterly."],
    [5, "Introduce paperless committee agendas", "Democratic Services", "March 2017", "B",
     "All committees paperless from July."],
    [6, "Review car parking charges", "Parking Services", "Q1 2017/18", None, None],
]  # fmt: skip

RAG_ROWS = [
    (2, "1", "Carry out a stock condition survey of council-owned garages", None,
     "Property Services", "Q3 2016/17", "~Behind schedule", None,
     "Surveyor post vacant since June; agency cover from October."),
    (3, "2", "Replace street lighting lanterns with LED units", None,
     "Highways and Transport", "2016/17", "~Some slippage", None,
     "Phase 1 complete; phase 2 waiting for the lantern delivery."),
    (4, "3", "Publish a revised Statement of Community Involvement", None,
     "Planning Policy", "June 2016", "~On target", None, "Draft approved for consultation."),
    (5, "4", "Set up a tenants' scrutiny panel", None,
     "Housing Management", "Ongoing", "~On target", None, "Panel meets quarterly."),
    (6, "5", "Introduce paperless committee agendas", None,
     "Democratic Services", "March 2017", "~Complete", None, "All committees paperless from July."),
    (7, "6", "Review car parking charges", None,
     "Parking Services", "Q1 2017/18", None, None, ""),
]  # fmt: skip


def test_rag_letters_alone_suggest_the_council_status_of_that_colour(council):
    parsed = read_plan(xlsx(RAG_SHEET), "corporate_projects.xlsx", council)

    check_rows(parsed, RAG_ROWS)
    assert [action.rag for action in parsed.actions] == [
        "red",
        "amber",
        "green",
        "green",
        "blue",
        "",
    ]
    roles = roles_of(parsed)
    assert roles == {
        "A": "reference",
        "B": "title",
        "C": "lead",
        "D": "deadline",
        "E": "rag",
        "F": "commentary",
    }
    assert "status" not in roles.values()
    # The notes say "Phase 1 complete": the RAG decides, never the words of a note.
    assert parsed.actions[1].suggestion.label == "Some slippage"


# 4. A status word, a RAG and a "Progress Q2" text ---------------------------------------

STATUS_RAG_SHEET = [
    ["Community Safety Partnership Plan 2016/17"],
    [],
    ["Ref", "Priority Action", "Lead", "Deadline", "Status", "RAG", "Progress Q2"],
    ["CS1", "Roll out the Community Trigger in every ward", "Community Safety Team", "June 2016",
     "Complete", "B", "Live since May; six triggers received by September."],
    ["CS2", "Install 20 re-deployable CCTV cameras at hotspots", "Community Safety Team",
     "September 2016", "Slipped", "R",
     "The supplier went into administration; re-tendered in August."],
    ["CS3", "Review the late-night levy", "Licensing", "Q3 2016/17", "Ongoing", "A",
     "Completed the consultation stage; decision delayed to Q4."],
    ["CS4", "Deliver hate crime awareness training to 200 frontline staff",
     "Equalities and Cohesion", "March 2017", "On target", "G", "120 staff trained to date."],
    ["CS5", "Set up a joint tasking group with the police", "Community Safety Team",
     "Q2 2016/17", "On track", "A",
     "The group meets monthly; terms of reference being finalised."],
    ["CS6", "Publish a domestic abuse strategy", "Housing and Community Services",
     "December 2016", "See comments", "G",
     "Draft strategy out to consultation until 30 October."],
]  # fmt: skip

STATUS_RAG_ROWS = [
    (4, "CS1", "Roll out the Community Trigger in every ward", None, "Community Safety Team",
     "June 2016", "Complete", None, "Live since May; six triggers received by September."),
    (5, "CS2", "Install 20 re-deployable CCTV cameras at hotspots", None,
     "Community Safety Team", "September 2016", "~Behind schedule", None,
     "The supplier went into administration; re-tendered in August."),
    # "Ongoing" says nothing of how it goes: the row's amber decides, not the text's
    # "Completed" or "delayed".
    (6, "CS3", "Review the late-night levy", None, "Licensing",
     "Q3 2016/17", "~Some slippage", None,
     "Completed the consultation stage; decision delayed to Q4."),
    (7, "CS4", "Deliver hate crime awareness training to 200 frontline staff", None,
     "Equalities and Cohesion", "March 2017", "On target", None, "120 staff trained to date."),
    # Common wording comes before the RAG.
    (8, "CS5", "Set up a joint tasking group with the police", None, "Community Safety Team",
     "Q2 2016/17", "~On target", None,
     "The group meets monthly; terms of reference being finalised."),
    (9, "CS6", "Publish a domestic abuse strategy", None, "Housing and Community Services",
     "December 2016", "~On target", None, "Draft strategy out to consultation until 30 October."),
]  # fmt: skip


def test_status_rag_and_progress_text(council):
    parsed = read_plan(xlsx(STATUS_RAG_SHEET), "csp_plan_q2.xlsx", council)

    check_rows(parsed, STATUS_RAG_ROWS)
    assert [action.rag for action in parsed.actions] == [
        "blue",
        "red",
        "amber",
        "green",
        "amber",
        "green",
    ]
    assert roles_of(parsed) == {
        "A": "reference",
        "B": "title",
        "C": "lead",
        "D": "deadline",
        "E": "status",
        "F": "rag",
        "G": "commentary",
    }
    unknown = {word.casefold(): rows for word, rows in parsed.unknown_statuses.items()}
    assert unknown == {"slipped": [5], "ongoing": [6], "on track": [8], "see comments": [9]}
    # "Progress Q2" in a 2016/17 plan: progress as at the end of September 2016.
    assert parsed.as_at == D(2016, 9, 30)


# 5. Free progress text only: the text is commentary, a status is suggested ---------------

PROGRESS_TEXT_SHEET = [
    ["Action", "Lead", "Due", "Progress update"],
    ["Procure a new waste collection contract", "Environment & Regeneration", "April 2017",
     "Completed: the new contract was signed on 1 August 2016."],
    ["Extend the food waste service to flats", "Environment & Regeneration", "March 2016",
     "Work started and will extend beyond March 2016"],
    ["Open a household waste recycling centre in the north of the district",
     "Environment & Regeneration", "2017/18",
     "Delayed: the preferred site failed its ground survey."],
    ["Review the grounds maintenance specification", "Parks and Open Spaces", "December 2016",
     "Yet to start: waiting for the outcome of the budget consultation."],
    ["Install electric vehicle charging points in council car parks", "Parking Services",
     "Q4 2016/17", "On track. Twelve sites surveyed and a supplier appointed."],
    ["Pilot a community composting scheme", "Parks and Open Spaces", "September 2016",
     "Deferred to 2017/18 by Cabinet in June."],
    ["Refresh the litter enforcement policy", "Environmental Health", "Q3 2016/17",
     "Minor issues with the data-sharing agreement; otherwise as planned."],
    ["Publish an air quality action plan", "Environmental Health", "March 2017",
     "A meeting with the county's public health team was held on 14 July."],
    ["Renew the dog control orders", "Environmental Health", "October 2016", None],
]  # fmt: skip

PROGRESS_TEXT_ROWS = [
    (2, "", "Procure a new waste collection contract", None, "Environment & Regeneration",
     "April 2017", "~Complete", None, "Completed: the new contract was signed on 1 August 2016."),
    (3, "", "Extend the food waste service to flats", None, "Environment & Regeneration",
     "March 2016", "~On target", None, "Work started and will extend beyond March 2016"),
    (4, "", "Open a household waste recycling centre in the north of the district", None,
     "Environment & Regeneration", "2017/18", "~Behind schedule", None,
     "Delayed: the preferred site failed its ground survey."),
    (5, "", "Review the grounds maintenance specification", None, "Parks and Open Spaces",
     "December 2016", "~Not started", None,
     "Yet to start: waiting for the outcome of the budget consultation."),
    (6, "", "Install electric vehicle charging points in council car parks", None,
     "Parking Services", "Q4 2016/17", "~On target", None,
     "On track. Twelve sites surveyed and a supplier appointed."),
    (7, "", "Pilot a community composting scheme", None, "Parks and Open Spaces",
     "September 2016", "~On hold", None, "Deferred to 2017/18 by Cabinet in June."),
    (8, "", "Refresh the litter enforcement policy", None, "Environmental Health",
     "Q3 2016/17", "~Some slippage", None,
     "Minor issues with the data-sharing agreement; otherwise as planned."),
    # Words that say nothing of progress suggest nothing.
    (9, "", "Publish an air quality action plan", None, "Environmental Health",
     "March 2017", None, None,
     "A meeting with the county's public health team was held on 14 July."),
    (10, "", "Renew the dog control orders", None, "Environmental Health",
     "October 2016", None, None, ""),
]  # fmt: skip


def test_free_progress_text_is_commentary_with_a_suggested_status(council):
    parsed = read_plan(xlsx(PROGRESS_TEXT_SHEET), "waste_and_environment.xlsx", council)

    check_rows(parsed, PROGRESS_TEXT_ROWS)
    assert roles_of(parsed) == {"A": "title", "B": "lead", "C": "deadline", "D": "commentary"}
    assert parsed.errors == []
    # The started status suggested for "Work started..." is a started, open one.
    started = parsed.actions[1].suggestion
    assert started.is_started and not started.is_complete and not started.is_closed


# 6. Owner, forecast date and actual completion date -------------------------------------

MILESTONE_SHEET = [
    ["Milestone", "Owner", "Forecast date", "Actual completion date", "Notes"],
    ["Publish the Issues and Options consultation", "Planning Policy Manager",
     D(2016, 6, 30), D(2016, 6, 27), "Consultation ran for eight weeks."],
    ["Complete the Strategic Housing Land Availability Assessment", "Principal Planning Officer",
     D(2016, 9, 30), D(2016, 10, 14), "Delayed by late site submissions."],
    ["Publish the Pre-Submission Local Plan", "Head of Planning", D(2017, 1, 31), None, None],
    ["Submit the Local Plan for examination", "Head of Planning", D(2017, 5, 31), None,
     "Examination expected in autumn 2017."],
    ["Adopt the Community Infrastructure Levy charging schedule",
     "Infrastructure Planning Manager", D(2016, 4, 30), D(2016, 4, 30), None],
]  # fmt: skip

MILESTONE_ROWS = [
    (2, "", "Publish the Issues and Options consultation", None, "(Planning Policy Manager)",
     "30/06/2016", "?Complete", None, "Consultation ran for eight weeks."),
    # Done late, and the note says "Delayed": the completion date still makes it complete.
    (3, "", "Complete the Strategic Housing Land Availability Assessment", None,
     "(Principal Planning Officer)", "30/09/2016", "?Complete", None,
     "Delayed by late site submissions."),
    (4, "", "Publish the Pre-Submission Local Plan", None, "(Head of Planning)",
     "31/01/2017", None, None, ""),
    (5, "", "Submit the Local Plan for examination", None, "(Head of Planning)",
     "31/05/2017", None, None, "Examination expected in autumn 2017."),
    (6, "", "Adopt the Community Infrastructure Levy charging schedule", None,
     "(Infrastructure Planning Manager)", "30/04/2016", "?Complete", None, ""),
]  # fmt: skip


def test_completion_date_makes_a_milestone_complete(council):
    parsed = read_plan(xlsx(MILESTONE_SHEET), "local_plan_milestones.xlsx", council)

    check_rows(parsed, MILESTONE_ROWS)
    assert [action.completed_on for action in parsed.actions] == [
        D(2016, 6, 27),
        D(2016, 10, 14),
        None,
        None,
        D(2016, 4, 30),
    ]
    roles = roles_of(parsed)
    assert roles["A"] == "title"
    assert roles["B"] in ("lead", "lead_officer")
    assert roles["C"] == "deadline"
    assert roles["D"] == "completion_date"
    assert roles["E"] == "commentary"
    # Job titles are lead officers, never departments.
    assert all(action.departments == [] for action in parsed.actions)


def test_completion_date_accepted_as_complete(council, statuses):
    parsed = read_plan(
        xlsx(MILESTONE_SHEET), "local_plan_milestones.xlsx", council, accept_suggestions=True
    )

    complete = statuses["Complete"]
    assert [action.status for action in parsed.actions] == [
        complete,
        complete,
        None,
        None,
        complete,
    ]


# Lead cells: a department's own name may hold "and" or "&" --------------------------------

LEADS_SHEET = [
    ["Action", "Lead", "Deadline"],
    ["Review the housing assistance policy", "Housing and Community Services", "March 2017"],
    ["Adopt a town centre masterplan", "Environment & Regeneration", "December 2016"],
    ["Update the constitution", "Legal and Democratic Services; Human Resources", "May 2017"],
    ["Publish a validation checklist", "Planning, Building Control", "June 2016"],
    ["Move benefit claims online", "Revenues and Benefits / Customer Services", "July 2016"],
    ["Run a litter-picking week", "Parks and Open Spaces\nWaste and Recycling", "April 2016"],
]  # fmt: skip


def test_department_names_with_and_are_one_department(council):
    """Separators split a lead cell (; , / and line breaks); "and" and "&" inside a name do
    not: "Housing and Community Services" is one department, never two."""
    parsed = read_plan(xlsx(LEADS_SHEET), "leads.xlsx", council)

    assert [action.departments for action in parsed.actions] == [
        ["Housing and Community Services"],
        ["Environment & Regeneration"],
        ["Legal and Democratic Services", "Human Resources"],
        ["Planning", "Building Control"],
        ["Revenues and Benefits", "Customer Services"],
        ["Parks and Open Spaces", "Waste and Recycling"],
    ]


def test_and_joins_two_departments_the_council_already_has(council):
    for name in ("Planning", "Housing"):
        Department.objects.create(council=council, name=name)
    rows = [
        ["Action", "Lead", "Deadline"],
        ["Agree a joint housing delivery test action plan", "Planning and Housing", "August 2016"],
    ]

    parsed = read_plan(xlsx(rows), "leads.xlsx", council)

    assert parsed.actions[0].departments == ["Planning", "Housing"]
