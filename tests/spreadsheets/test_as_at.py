"""The date a sheet reports progress as at: the end of the period its title or a header
names, in the council's financial year (April to March); the date passed in wins."""

import datetime

import pytest

from actionplans.imports import read_plan
from tests.spreadsheets.sheets import xlsx

pytestmark = pytest.mark.django_db

D = datetime.date


def sheet(title_rows: list[list], progress_header: str = "Progress") -> bytes:
    return xlsx(
        [
            *title_rows,
            ["Ref", "Action", "Lead", "Deadline", "Status", progress_header],
            ["1", "Refresh the Leisure Strategy", "Leisure and Culture", "March 2017",
             "On target", "Draft to Cabinet in January."],
            ["2", "Open a community sports hub at Northgate", "Leisure and Culture",
             "Q4 2016/17", "Some slippage", "Lease negotiations ongoing."],
        ]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("title_rows", "progress_header", "as_at"),
    [
        # A quarter in a header, the financial year in the title.
        ([["Leisure Strategy Action Plan 2016/17"], []], "Q2 Progress", D(2016, 9, 30)),
        ([["Housing Strategy Delivery Plan 2015/16"]], "Q3 Progress", D(2015, 12, 31)),
        # Q4 of 2016/17 ends in the next calendar year.
        ([["Leisure Strategy Action Plan 2016/17"]], "Q4 progress update", D(2017, 3, 31)),
        ([["Leisure Strategy Action Plan 2016-17"]], "Progress Q1", D(2016, 6, 30)),
        # A period named in a title row, with its months.
        ([["Leisure Strategy"], ["Quarter 2 progress (July – September 2016)"]], "Progress",
         D(2016, 9, 30)),
        # A position date.
        ([["Leisure Strategy: Position at 30 September 2016"]], "Progress", D(2016, 9, 30)),
        ([["Leisure Strategy"], ["Position at 31 March 2017"]], "Comments", D(2017, 3, 31)),
    ],
)  # fmt: skip
def test_as_at_from_the_title_or_a_header(council, title_rows, progress_header, as_at):
    parsed = read_plan(sheet(title_rows, progress_header), "leisure.xlsx", council)

    assert parsed.as_at == as_at
    assert len(parsed.actions) == 2
    # The header naming the period is still the commentary column.
    assert parsed.actions[0].commentary == "Draft to Cabinet in January."


def test_no_period_named_means_no_as_at(council):
    parsed = read_plan(sheet([]), "leisure.xlsx", council)

    assert parsed.as_at is None


def test_the_as_at_passed_in_wins(council):
    data = sheet([["Leisure Strategy Action Plan 2016/17"]], "Q2 Progress")

    parsed = read_plan(data, "leisure.xlsx", council, as_at=D(2016, 10, 14))

    assert parsed.as_at == D(2016, 10, 14)


def test_as_at_passed_in_for_a_sheet_that_names_none(council):
    parsed = read_plan(sheet([]), "leisure.xlsx", council, as_at=D(2016, 12, 31))

    assert parsed.as_at == D(2016, 12, 31)
