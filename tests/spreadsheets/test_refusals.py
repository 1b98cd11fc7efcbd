"""What is refused and what is only warned about: amber and red rows without commentary are
imported with a warning; a wide layout, a sheet with no title column and a file that is not
a spreadsheet are refused with a message that says what was found.

Rows are written as (row, reference, title, group, lead, deadline, status, percent,
commentary): see tests/spreadsheets/sheets.py for how each is read."""

import pytest

from actionplans.imports import ImportProblem, read_plan
from tests.spreadsheets.sheets import check_rows, csv_text, xlsx

pytestmark = pytest.mark.django_db

# 18. Amber and red rows with no commentary ----------------------------------------------

NO_COMMENTARY_SHEET = [
    ["Ref", "Action", "Lead", "Deadline", "Status", "Commentary"],
    ["L1", "Refurbish the Market Hall toilets", "Property Services", "August 2016",
     "Some slippage", None],
    ["L2", "Procure a new leisure management contract", "Leisure and Culture", "April 2017",
     "Behind schedule", "   "],
    ["L3", "Reopen the museum's first-floor gallery", "Leisure and Culture", "October 2016",
     "On target", None],
    ["L4", "Resurface the Victoria Park tennis courts", "Parks and Open Spaces",
     "September 2016", "Behind schedule",
     "The contractor went into administration; re-tendering."],
]  # fmt: skip

NO_COMMENTARY_ROWS = [
    (2, "L1", "Refurbish the Market Hall toilets", None, "Property Services",
     "August 2016", "Some slippage", None, ""),
    (3, "L2", "Procure a new leisure management contract", None, "Leisure and Culture",
     "April 2017", "Behind schedule", None, ""),
    (4, "L3", "Reopen the museum's first-floor gallery", None, "Leisure and Culture",
     "October 2016", "On target", None, ""),
    (5, "L4", "Resurface the Victoria Park tennis courts", None, "Parks and Open Spaces",
     "September 2016", "Behind schedule", None,
     "The contractor went into administration; re-tendering."),
]  # fmt: skip


def test_amber_and_red_without_commentary_import_with_a_warning(council):
    parsed = read_plan(xlsx(NO_COMMENTARY_SHEET), "leisure_plan.xlsx", council)

    check_rows(parsed, NO_COMMENTARY_ROWS)
    assert parsed.errors == []
    warned = [action.row for action in parsed.actions if action.warnings]
    assert warned == [2, 3]
    for action in parsed.actions[:2]:
        assert all(isinstance(text, str) and text.strip() for text in action.warnings)
        assert any("comment" in text.lower() for text in action.warnings)


def test_a_suggested_amber_without_commentary_is_warned_about_too(council):
    rows = [
        ["Action", "Lead", "Deadline", "Status"],
        ["Introduce online booking for sports pitches", "Leisure and Culture", "July 2016",
         "Minor issues"],
    ]  # fmt: skip
    parsed = read_plan(xlsx(rows), "pitches.xlsx", council, accept_suggestions=True)

    (action,) = parsed.actions
    assert action.status.label == "Some slippage"
    assert action.warnings
    assert parsed.errors == []


# 19. Refused outright ------------------------------------------------------------------------

WIDE_SHEET = [
    ["Service", "Goal 1", "Goal 1 status", "Goal 2", "Goal 2 status", "Goal 3", "Goal 3 status"],
    ["Waste and Recycling", "Recycle 50% of household waste", "On target",
     "Halve missed bin collections", "Some slippage", "Collect food waste from every house",
     "Complete"],
    ["Parks and Open Spaces", "Win three Green Flag awards", "On target", "Plant 500 trees",
     "Behind schedule", "Open a new play area at Victoria Park", "Not started"],
]  # fmt: skip


def test_a_wide_layout_is_refused_and_named(council):
    with pytest.raises(ImportProblem) as refused:
        read_plan(xlsx(WIDE_SHEET), "service_goals.xlsx", council)

    message = refused.value.message
    assert "Goal 1" in message
    assert "Goal 2" in message


def test_a_wide_csv_is_refused_too(council):
    data = csv_text(WIDE_SHEET).encode("utf-8")
    with pytest.raises(ImportProblem) as refused:
        read_plan(data, "service_goals.csv", council)

    assert "Goal 1" in refused.value.message


NO_TITLE_SHEET = [
    ["Month", "Calls received", "Calls answered", "Answered within 20 seconds"],
    ["April 2016", 10234, 9876, "81%"],
    ["May 2016", 9870, 9650, "84%"],
    ["June 2016", 11002, 10321, "78%"],
]


def test_a_sheet_with_no_title_column_is_refused_naming_its_headers(council):
    with pytest.raises(ImportProblem) as refused:
        read_plan(xlsx(NO_TITLE_SHEET), "contact_centre_kpis.xlsx", council)

    message = refused.value.message
    assert "Calls received" in message
    assert "Month" in message


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "plan.xlsx"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", "plan.csv"),
        (b"PK\x03\x04 this is not really a workbook", "plan.xlsx"),
        (b"Action,Lead\nRun a jobs fair,Economic Development\n", "plan.docx"),
    ],
)
def test_what_is_not_a_spreadsheet_is_refused(council, data, filename):
    with pytest.raises(ImportProblem) as refused:
        read_plan(data, filename, council)

    assert refused.value.message.strip()
