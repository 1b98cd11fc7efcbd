"""Columns as the person importing says: a role chosen by header text (any case, any
spacing) or by column letter overrides what the importer would have read; every column is
listed, mapped or not; a column whose header says nothing is read from its cells.

Rows are written as (row, reference, title, group, lead, deadline, status, percent,
commentary): see tests/spreadsheets/sheets.py for how each is read."""

import pytest

from actionplans.imports import read_plan
from tests.spreadsheets.sheets import check_rows, column, roles_of, workstream_tree, xlsx

pytestmark = pytest.mark.django_db

# 20. Roles chosen by the user -----------------------------------------------------------------

FINANCE_SHEET = [
    ["Ref", "Action", "Responsible", "Deadline", "Status", "Notes", "Budget 2016/17",
     "Portfolio"],
    ["F1", "Set a balanced budget for 2017/18", "Head of Finance", "February 2017", "On target",
     "Budget gap reduced to £1.1m.", "£0", "Finance and Resources"],
    ["F2", "Move business rates payers to monthly direct debits",
     "Revenues and Benefits Manager", "October 2016", "Complete", "Live from 1 October.",
     "£12,000", "Finance and Resources"],
    ["F3", "Procure a new insurance contract", "Head of Finance", "April 2017",
     "Behind schedule", "Tender returns delayed by two weeks.", "£5,000", "Corporate Services"],
]  # fmt: skip

FINANCE_ROWS = [
    (2, "F1", "Set a balanced budget for 2017/18", None, "(Head of Finance)",
     "February 2017", "On target", None, "Budget gap reduced to £1.1m."),
    (3, "F2", "Move business rates payers to monthly direct debits", None,
     "(Revenues and Benefits Manager)", "October 2016", "Complete", None,
     "Live from 1 October."),
    (4, "F3", "Procure a new insurance contract", None, "(Head of Finance)",
     "April 2017", "Behind schedule", None, "Tender returns delayed by two weeks."),
]  # fmt: skip


def test_roles_chosen_by_header_and_by_letter(council):
    parsed = read_plan(
        xlsx(FINANCE_SHEET),
        "finance_plan.xlsx",
        council,
        roles={"  NOTES ": "commentary", "C": "lead_officer"},
    )

    check_rows(parsed, FINANCE_ROWS)
    notes, responsible = column(parsed, "F"), column(parsed, "C")
    assert (notes.header, notes.role, notes.how) == ("Notes", "commentary", "chosen")
    assert (responsible.header, responsible.role, responsible.how) == (
        "Responsible",
        "lead_officer",
        "chosen",
    )
    # Columns no role fits are listed, unmapped (or known to be left out), with their
    # headers as written.
    budget, portfolio = column(parsed, "G"), column(parsed, "H")
    assert (budget.header, budget.role) == ("Budget 2016/17", "")
    assert (portfolio.header, portfolio.role) in (("Portfolio", ""), ("Portfolio", "ignore"))
    assert "chosen" not in (budget.how, portfolio.how)
    # The columns nobody chose are still read from their headers.
    assert column(parsed, "A").how == "header"
    assert column(parsed, "B").how == "header"
    assert column(parsed, "D").how == "header"
    assert column(parsed, "E").how == "header"


def test_every_column_is_listed_in_sheet_order(council):
    parsed = read_plan(xlsx(FINANCE_SHEET), "finance_plan.xlsx", council)

    assert [(c.letter, c.header) for c in parsed.columns] == [
        ("A", "Ref"),
        ("B", "Action"),
        ("C", "Responsible"),
        ("D", "Deadline"),
        ("E", "Status"),
        ("F", "Notes"),
        ("G", "Budget 2016/17"),
        ("H", "Portfolio"),
    ]
    assert all(c.how in ("header", "cells") for c in parsed.columns if c.role)
    assert all(c.role in ROLES for c in parsed.columns)


ROLES = {
    "",
    "reference",
    "title",
    "description",
    "group",
    "lead",
    "lead_officer",
    "partners",
    "wards",
    "deadline",
    "status",
    "rag",
    "percent",
    "commentary",
    "outcomes",
    "measures",
    "priority",
    "completion_date",
    "last_updated",
    "ignore",
}


def test_an_ignored_column_is_not_read(council):
    parsed = read_plan(xlsx(FINANCE_SHEET), "finance_plan.xlsx", council, roles={"F": "ignore"})

    assert [action.commentary for action in parsed.actions] == ["", "", ""]
    notes = column(parsed, "F")
    assert (notes.role, notes.how) == ("ignore", "chosen")


def test_a_column_chosen_as_the_group(council):
    parsed = read_plan(
        xlsx(FINANCE_SHEET), "finance_plan.xlsx", council, roles={"portfolio": "group"}
    )

    assert workstream_tree(parsed) == ["Finance and Resources", "Corporate Services"]
    assert [a.workstream.title for a in parsed.actions] == [
        "Finance and Resources",
        "Finance and Resources",
        "Corporate Services",
    ]
    assert column(parsed, "H").how == "chosen"


SERVICE_SHEET = [
    ["Directorate", "Service area", "Action", "Due", "Status", "Comment"],
    ["Corporate Resources", "Revenues and Benefits",
     "Cut the average time to process new benefit claims to 18 days", "March 2017",
     "On target", "19.5 days in Q2."],
    ["Corporate Resources", "Customer Services", "Answer 80% of calls within 60 seconds",
     "March 2017", "Some slippage", "72% in Q2 after two vacancies."],
    ["Place", "Planning", "Determine 70% of minor applications within 8 weeks", "Quarterly",
     "On target", "76% in Q2."],
]  # fmt: skip

SERVICE_ROWS = [
    (2, "", "Cut the average time to process new benefit claims to 18 days",
     "Corporate Resources > Revenues and Benefits", "", "March 2017", "On target", None,
     "19.5 days in Q2."),
    (3, "", "Answer 80% of calls within 60 seconds",
     "Corporate Resources > Customer Services", "", "March 2017", "Some slippage", None,
     "72% in Q2 after two vacancies."),
    (4, "", "Determine 70% of minor applications within 8 weeks",
     "Place > Planning", "", "Quarterly", "On target", None, "76% in Q2."),
]  # fmt: skip


def test_two_columns_chosen_as_groups_make_two_levels_in_order(council):
    """Directorate and service would otherwise be leads: the person says they are groups,
    the first chosen the top level."""
    parsed = read_plan(
        xlsx(SERVICE_SHEET),
        "service_plans.xlsx",
        council,
        roles={"Directorate": "group", "Service area": "group"},
    )

    check_rows(parsed, SERVICE_ROWS)
    assert workstream_tree(parsed) == [
        "Corporate Resources",
        "Corporate Resources > Revenues and Benefits",
        "Corporate Resources > Customer Services",
        "Place",
        "Place > Planning",
    ]
    assert roles_of(parsed)["A"] == roles_of(parsed)["B"] == "group"
    # Percentages in the words of a commentary are not % complete.
    assert [a.percent for a in parsed.actions] == [None, None, None]


# A column whose header says nothing, read from its cells --------------------------------

UNHELPFUL_HEADER_SHEET = [
    ["Ref", "Action", "Lead", "Deadline", "Q2 2016/17", "Comments"],
    ["T1", "Replace the ticket machines in all council car parks", "Parking Services",
     "December 2016", "On target", "Contract awarded."],
    ["T2", "Introduce residents' parking in the hospital area", "Parking Services",
     "March 2017", "Behind schedule", "Objections mean a second consultation."],
    ["T3", "Publish a cycling and walking infrastructure plan", "Highways and Transport",
     "September 2016", "Complete", "Published in September."],
    ["T4", "Review on-street parking charges", "Parking Services", "Q4 2016/17", "Not started",
     None],
]  # fmt: skip


def test_a_status_column_is_found_from_its_cells(council):
    parsed = read_plan(xlsx(UNHELPFUL_HEADER_SHEET), "transport_plan.xlsx", council)

    quarter = column(parsed, "E")
    assert (quarter.role, quarter.how) == ("status", "cells")
    assert [a.status.label for a in parsed.actions] == [
        "On target",
        "Behind schedule",
        "Complete",
        "Not started",
    ]
