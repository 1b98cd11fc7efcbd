"""Cell values as councils store them: percentages and dates typed as text, percentages as
formatted numbers, deadlines as Excel date serials and as real date cells.

Rows are written as (row, reference, title, group, lead, deadline, status, percent,
commentary): see tests/spreadsheets/sheets.py for how each is read."""

import datetime

import pytest

from actionplans.imports import read_plan
from tests.spreadsheets.sheets import Sheet, check_rows, deadline_date, roles_of, xlsx

pytestmark = pytest.mark.django_db

D = datetime.date

# 16. Percentages and dates stored as text -----------------------------------------------

TEXT_VALUES_SHEET = Sheet(
    [
        ["Ref", "Action", "Lead", "Due date", "Status", "% complete", "Comment"],
        ["1", "Digitise the planning application archive", "Planning Services", "30/09/2016",
         "Complete", "100%", "All 1974–2005 files scanned."],
        ["2", "Move building control to the shared service", "Building Control", "31/03/2017",
         "On target", "45%", "Staff consultation closed."],
        ["3", "Introduce charges for pre-application advice", "Planning Services", "1/12/2016",
         "Some slippage", " 20 %", "Fee schedule waiting for legal sign-off."],
        ["4", "Review the scheme of delegation", "Legal and Democratic Services", "31/01/2017",
         "Not started", "0%", None],
        ["5", "Update the validation checklist", "Planning Services", "15/07/2016", "Complete",
         "100", "Adopted in July."],
        ["6", "Publish the brownfield land register", "Planning Policy", "31/12/2016",
         "On target", 0.75, "Call for sites closed."],
    ],
    formats={"F7": "0%"},
)  # fmt: skip

TEXT_VALUES_ROWS = [
    (2, "1", "Digitise the planning application archive", None, "Planning Services",
     "30/09/2016", "Complete", 100, "All 1974–2005 files scanned."),
    (3, "2", "Move building control to the shared service", None, "Building Control",
     "31/03/2017", "On target", 45, "Staff consultation closed."),
    (4, "3", "Introduce charges for pre-application advice", None, "Planning Services",
     "1/12/2016", "Some slippage", 20, "Fee schedule waiting for legal sign-off."),
    (5, "4", "Review the scheme of delegation", None, "Legal and Democratic Services",
     "31/01/2017", "Not started", 0, ""),
    (6, "5", "Update the validation checklist", None, "Planning Services",
     "15/07/2016", "Complete", 100, "Adopted in July."),
    # 0.75 shown as 75%: the percentage the person saw.
    (7, "6", "Publish the brownfield land register", None, "Planning Policy",
     "31/12/2016", "On target", 75, "Call for sites closed."),
]  # fmt: skip


def test_percentages_and_dates_stored_as_text(council):
    parsed = read_plan(xlsx(TEXT_VALUES_SHEET), "planning_improvement.xlsx", council)

    check_rows(parsed, TEXT_VALUES_ROWS)
    # Dates typed as text are read day first, as a UK council writes them.
    assert [deadline_date(a) for a in parsed.actions] == [
        D(2016, 9, 30),
        D(2017, 3, 31),
        D(2016, 12, 1),
        D(2017, 1, 31),
        D(2016, 7, 15),
        D(2016, 12, 31),
    ]
    assert roles_of(parsed)["F"] == "percent"
    assert roles_of(parsed)["D"] == "deadline"


# 17. Excel date serials and real date cells in a date column ---------------------------

DATE_CELLS_SHEET = [
    ["Ref", "Action", "Lead", "Target Date", "Status", "Comments"],
    [1, "Adopt a Corporate Asset Management Plan", "Property Services", 42643, "On target",
     "Draft to Cabinet in October."],
    [2, "Dispose of the former depot site", "Property Services", 42825, "Some slippage",
     "Waiting for the buyer's planning decision."],
    [3, "Complete condition surveys of all community halls", "Property Services",
     D(2016, 12, 31), "On target", "Eight of 14 surveyed."],
    [4, "Let the vacant units at Market Yard", "Estates", datetime.datetime(2017, 6, 30),
     "Not started", None],
    [5, "Review leases to community groups", "Estates", "Ongoing", "On target",
     "A rolling programme."],
]  # fmt: skip

DATE_CELLS_ROWS = [
    # 42643 in a column headed "Target Date" is Excel's serial for 30 September 2016.
    (2, "1", "Adopt a Corporate Asset Management Plan", None, "Property Services",
     "30/09/2016", "On target", None, "Draft to Cabinet in October."),
    (3, "2", "Dispose of the former depot site", None, "Property Services",
     "31/03/2017", "Some slippage", None, "Waiting for the buyer's planning decision."),
    (4, "3", "Complete condition surveys of all community halls", None, "Property Services",
     "31/12/2016", "On target", None, "Eight of 14 surveyed."),
    (5, "4", "Let the vacant units at Market Yard", None, "Estates",
     "30/06/2017", "Not started", None, ""),
    (6, "5", "Review leases to community groups", None, "Estates",
     "Ongoing", "On target", None, "A rolling programme."),
]  # fmt: skip


def test_date_serials_and_date_cells_are_dates(council):
    parsed = read_plan(xlsx(DATE_CELLS_SHEET), "asset_management.xlsx", council)

    check_rows(parsed, DATE_CELLS_ROWS)
    assert [deadline_date(a) for a in parsed.actions] == [
        D(2016, 9, 30),
        D(2017, 3, 31),
        D(2016, 12, 31),
        D(2017, 6, 30),
        None,
    ]
    # The numbers in the Ref column stay references, never dates.
    assert [a.reference for a in parsed.actions] == ["1", "2", "3", "4", "5"]
