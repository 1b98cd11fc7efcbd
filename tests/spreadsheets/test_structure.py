"""Layouts that differ in how the table sits on the sheet: a group-header row above the
headers, a title block above a header in row 12, workstream headings as merged rows, line
breaks inside cells, totals and footers below the table, hidden columns, several sheets.

Rows are written as (row, reference, title, group, lead, deadline, status, percent,
commentary): see tests/spreadsheets/sheets.py for how each is read."""

import datetime

import pytest

from actionplans.imports import ImportProblem, read_plan
from tests.spreadsheets.sheets import (
    Sheet,
    check_rows,
    column,
    roles_of,
    skipped_rows,
    workstream_tree,
    xlsx,
)

pytestmark = pytest.mark.django_db

D = datetime.date

# 7. A group-header row above the column headers -----------------------------------------

BANDED_HEADER_SHEET = Sheet(
    [
        ["Delivery", None, None, None, "Progress", None],
        ["Ref", "Action", "Owner", "Due", "Status", "Comment"],
        ["W1", "Roll out fortnightly garden waste subscriptions", "Waste and Recycling",
         "April 2016", "Done", "7,400 households subscribed."],
        ["W2", "Replace the bring-bank sites with kerbside glass collection",
         "Waste and Recycling", "October 2016", "Delayed", "Vehicle delivery moved to November."],
        ["P1", "Adopt a Parks and Open Spaces Strategy", "Parks and Open Spaces", "March 2017",
         "On target", "Draft strategy to Cabinet in January."],
        ["P2", "Secure Green Flag status for Victoria Park", "Parks and Open Spaces", "July 2016",
         "not started", "Application deferred to the 2017 round."],
    ],
    merges=["A1:D1", "E1:F1"],
)  # fmt: skip

BANDED_HEADER_ROWS = [
    (3, "W1", "Roll out fortnightly garden waste subscriptions", None, "Waste and Recycling",
     "April 2016", "~Complete", None, "7,400 households subscribed."),
    (4, "W2", "Replace the bring-bank sites with kerbside glass collection", None,
     "Waste and Recycling", "October 2016", "~Behind schedule", None,
     "Vehicle delivery moved to November."),
    (5, "P1", "Adopt a Parks and Open Spaces Strategy", None, "Parks and Open Spaces",
     "March 2017", "On target", None, "Draft strategy to Cabinet in January."),
    # The status column says "not started"; the comment's "deferred" is never the status.
    (6, "P2", "Secure Green Flag status for Victoria Park", None, "Parks and Open Spaces",
     "July 2016", "Not started", None, "Application deferred to the 2017 round."),
]  # fmt: skip


def test_group_header_row_above_the_headers(council):
    parsed = read_plan(xlsx(BANDED_HEADER_SHEET), "street_scene.xlsx", council)

    check_rows(parsed, BANDED_HEADER_ROWS)
    assert [c.header for c in parsed.columns] == [
        "Ref",
        "Action",
        "Owner",
        "Due",
        "Status",
        "Comment",
    ]
    assert roles_of(parsed) == {
        "A": "reference",
        "B": "title",
        "C": "lead",
        "D": "deadline",
        "E": "status",
        "F": "commentary",
    }
    # "Delivery" and "Progress" label bands of columns: neither a workstream nor an action.
    assert parsed.workstreams == []


# 8. A title block, the header in row 12 ---------------------------------------------------

TITLE_BLOCK_SHEET = Sheet(
    [
        ["Marshwood Vale District Council"],
        ["Corporate Plan 2016–2020: Annual Delivery Plan 2016/17"],
        ["Quarter 2 progress (July – September 2016)"],
        [],
        ["Report to Overview and Scrutiny Committee, 10 November 2016"],
        [],
        ["Prepared by the Performance and Improvement Team"],
        [],
        [],
        [],
        [],
        ["Action No.", "Action", "Responsible Directorate", "Responsible Officer",
         "Completion Target", "Status", "% complete", "Commentary"],
        ["CP01", "Adopt a Medium Term Financial Strategy to 2020", "Corporate Resources",
         "Chief Finance Officer", "February 2017", "On target", 50,
         "Draft strategy to Cabinet in December."],
        ["CP02", "Move the council's main offices to the Civic Centre", "Corporate Resources",
         "Head of Property and Facilities", "Q3 2016/17", "Some slippage", 70,
         "Fit-out running three weeks late."],
        ["CP03", "Launch online payments for all council tax accounts", "Customer Services",
         "Customer Services Manager", "July 2016", "Achieved", 100, "Live since 18 July 2016."],
        ["CP04", "Adopt a District Economic Strategy", "Environment & Regeneration",
         "Head of Economic Development", "March 2017", "Not started", 0,
         "Waiting for the LEP's Strategic Economic Plan refresh."],
        ["CP05", "Agree a Joint Health and Wellbeing Strategy with the County Council",
         "Housing and Community Services", "Head of Community Services", "Q4 2016/17",
         "Behind schedule", 20, "County partners have asked to wait until their restructure ends."],
    ],
    title="Q2 2016-17",
    merges=["A1:H1", "A2:H2", "A3:H3"],
)  # fmt: skip

TITLE_BLOCK_ROWS = [
    (13, "CP01", "Adopt a Medium Term Financial Strategy to 2020", None,
     "Corporate Resources (Chief Finance Officer)", "February 2017", "On target", 50,
     "Draft strategy to Cabinet in December."),
    (14, "CP02", "Move the council's main offices to the Civic Centre", None,
     "Corporate Resources (Head of Property and Facilities)", "Q3 2016/17", "Some slippage", 70,
     "Fit-out running three weeks late."),
    (15, "CP03", "Launch online payments for all council tax accounts", None,
     "Customer Services (Customer Services Manager)", "July 2016", "~Complete", 100,
     "Live since 18 July 2016."),
    (16, "CP04", "Adopt a District Economic Strategy", None,
     "Environment & Regeneration (Head of Economic Development)", "March 2017", "Not started", 0,
     "Waiting for the LEP's Strategic Economic Plan refresh."),
    (17, "CP05", "Agree a Joint Health and Wellbeing Strategy with the County Council", None,
     "Housing and Community Services (Head of Community Services)", "Q4 2016/17",
     "Behind schedule", 20, "County partners have asked to wait until their restructure ends."),
]  # fmt: skip


def test_header_below_a_title_block(council):
    parsed = read_plan(xlsx(TITLE_BLOCK_SHEET), "delivery_plan_q2.xlsx", council)

    check_rows(parsed, TITLE_BLOCK_ROWS)
    assert parsed.as_at == D(2016, 9, 30)
    assert [c.header for c in parsed.columns] == TITLE_BLOCK_SHEET.rows[11]
    assert roles_of(parsed) == {
        "A": "reference",
        "B": "title",
        "C": "lead",
        "D": "lead_officer",
        "E": "deadline",
        "F": "status",
        "G": "percent",
        "H": "commentary",
    }
    assert parsed.workstreams == []


# 9. Workstream headings as merged rows across the table ---------------------------------

MERGED_HEADINGS_SHEET = Sheet(
    [
        ["Ref", "Action", "Lead", "Wards", "Target date", "Status", "Progress"],
        ["Town centre regeneration"],
        [1, "Agree a masterplan for the Station Quarter", "Environment & Regeneration",
         "Abbey, Castle", "December 2016", "On target",
         "Consultants appointed; first workshop held in September."],
        [2, "Bring the vacant Corn Exchange back into use", "Property Services", "Castle",
         "2017/18", "Behind schedule", "The preferred tenant withdrew in August."],
        ["Skills and employment"],
        [3, "Run two jobs fairs a year with Jobcentre Plus", "Economic Development", None,
         "Ongoing", "On target", "Spring fair held with 42 employers."],
        [4, "Create 30 apprenticeships at the council", "Human Resources", None, "March 2017",
         "Some slippage", "18 apprentices in post; recruitment for the rest in January."],
        [5, "Set up a business support hub at the library", "Economic Development", "Abbey",
         "Q3 2016/17", "Complete", "Hub opened on 3 October 2016."],
    ],
    merges=["A2:G2", "A5:G5"],
)  # fmt: skip

MERGED_HEADINGS_ROWS = [
    (3, "1", "Agree a masterplan for the Station Quarter", "Town centre regeneration",
     "Environment & Regeneration", "December 2016", "On target", None,
     "Consultants appointed; first workshop held in September."),
    (4, "2", "Bring the vacant Corn Exchange back into use", "Town centre regeneration",
     "Property Services", "2017/18", "Behind schedule", None,
     "The preferred tenant withdrew in August."),
    (6, "3", "Run two jobs fairs a year with Jobcentre Plus", "Skills and employment",
     "Economic Development", "Ongoing", "On target", None, "Spring fair held with 42 employers."),
    (7, "4", "Create 30 apprenticeships at the council", "Skills and employment",
     "Human Resources", "March 2017", "Some slippage", None,
     "18 apprentices in post; recruitment for the rest in January."),
    (8, "5", "Set up a business support hub at the library", "Skills and employment",
     "Economic Development", "Q3 2016/17", "Complete", None, "Hub opened on 3 October 2016."),
]  # fmt: skip


def test_merged_heading_rows_are_workstreams(council):
    parsed = read_plan(xlsx(MERGED_HEADINGS_SHEET), "regeneration_plan.xlsx", council)

    check_rows(parsed, MERGED_HEADINGS_ROWS)
    assert workstream_tree(parsed) == ["Town centre regeneration", "Skills and employment"]
    assert [action.wards for action in parsed.actions] == [
        ["Abbey", "Castle"],
        ["Castle"],
        [],
        [],
        ["Abbey"],
    ]
    assert roles_of(parsed)["D"] == "wards"
    # A heading row is a workstream, not a skipped row.
    assert not {2, 5} & set(skipped_rows(parsed))


# 12. Line breaks inside cells -------------------------------------------------------------

LINE_BREAKS_SHEET = [
    ["Ref", "Action", "Description", "Lead", "Partners", "Deadline", "Status", "Commentary"],
    ["H1", "Bring empty homes back into use",
     "Phase 1: survey long-term empty homes.\nPhase 2: offer loans to owners.\n"
     "Phase 3: enforcement where owners do not engage.",
     "Private Sector Housing", "Registered providers\nLandlords' forum", "March 2018",
     "On target", "Q1: survey complete (214 homes).\nQ2: 12 loans offered, 5 accepted."],
    ["H2", "Licence houses in multiple occupation in the university wards",
     "Additional licensing scheme under the Housing Act 2004.", "Private Sector Housing",
     "University\nPolice", "April 2017", "Some slippage",
     "Consultation extended by four weeks.\nCabinet decision now due in February."],
    ["H3", "Adapt homes for disabled residents within 20 weeks of referral",
     "Disabled facilities grants, with the county's occupational therapists.",
     "Housing and Community Services", None, "Ongoing", "On target",
     "Average time this quarter: 17 weeks."],
]  # fmt: skip

LINE_BREAKS_ROWS = [
    (2, "H1", "Bring empty homes back into use", None, "Private Sector Housing",
     "March 2018", "On target", None,
     "Q1: survey complete (214 homes).\nQ2: 12 loans offered, 5 accepted."),
    (3, "H2", "Licence houses in multiple occupation in the university wards", None,
     "Private Sector Housing", "April 2017", "Some slippage", None,
     "Consultation extended by four weeks.\nCabinet decision now due in February."),
    (4, "H3", "Adapt homes for disabled residents within 20 weeks of referral", None,
     "Housing and Community Services", "Ongoing", "On target", None,
     "Average time this quarter: 17 weeks."),
]  # fmt: skip


def test_line_breaks_inside_cells_are_kept(council):
    parsed = read_plan(xlsx(LINE_BREAKS_SHEET), "private_housing.xlsx", council)

    check_rows(parsed, LINE_BREAKS_ROWS)
    assert [action.description for action in parsed.actions] == [
        "Phase 1: survey long-term empty homes.\nPhase 2: offer loans to owners.\n"
        "Phase 3: enforcement where owners do not engage.",
        "Additional licensing scheme under the Housing Act 2004.",
        "Disabled facilities grants, with the county's occupational therapists.",
    ]
    assert [action.partners_note for action in parsed.actions] == [
        "Registered providers\nLandlords' forum",
        "University\nPolice",
        "",
    ]
    assert roles_of(parsed)["C"] == "description"
    assert roles_of(parsed)["E"] == "partners"


# 13. A totals row and a key, source, note and signature below the table -----------------

FOOTER_SHEET = [
    ["Ref", "Action", "Lead", "Deadline", "Status", "Comments"],
    ["R1", "Reduce sickness absence to 8 days per employee", "Human Resources", "March 2017",
     "On target", "9.1 days at the end of Q2, down from 10.4."],
    ["R2", "Agree an apprenticeship levy plan", "Human Resources", "April 2017", "Not started",
     None],
    ["R3", "Complete the pay and grading review", "Human Resources", "September 2016",
     "Complete", "New structure in place from 1 September."],
    ["Ref", "Action", "Lead", "Deadline", "Status", "Comments"],
    ["R4", "Replace the payroll system", "ICT and Digital", "Q4 2016/17", "Behind schedule",
     "Supplier testing failed twice; go-live now June 2017."],
    [None, None, "ICT and Digital", "Q4 2016/17", "On target",
     "Row left over from last year's plan."],
    ["R5", "Publish the workforce equality report", "Human Resources", "January 2017",
     "On target", "Data collection under way."],
    [],
    [None, "Total", None, None, "5 actions", None],
    [],
    ["Key:", "Green = on target; Amber = some slippage; Red = behind schedule"],
    ["Source: Performance management system, extracted 5 October 2016"],
    ["Note: figures for Q2 are provisional until Cabinet approves them."],
    ["Signed:", "Chief Executive", None, "Date:", "6 October 2016"],
]  # fmt: skip

FOOTER_ROWS = [
    (2, "R1", "Reduce sickness absence to 8 days per employee", None, "Human Resources",
     "March 2017", "On target", None, "9.1 days at the end of Q2, down from 10.4."),
    (3, "R2", "Agree an apprenticeship levy plan", None, "Human Resources",
     "April 2017", "Not started", None, ""),
    (4, "R3", "Complete the pay and grading review", None, "Human Resources",
     "September 2016", "Complete", None, "New structure in place from 1 September."),
    (6, "R4", "Replace the payroll system", None, "ICT and Digital",
     "Q4 2016/17", "Behind schedule", None,
     "Supplier testing failed twice; go-live now June 2017."),
    (8, "R5", "Publish the workforce equality report", None, "Human Resources",
     "January 2017", "On target", None, "Data collection under way."),
]  # fmt: skip


def test_totals_key_source_and_signature_rows_are_skipped_and_listed(council):
    parsed = read_plan(xlsx(FOOTER_SHEET), "workforce_plan.xlsx", council)

    check_rows(parsed, FOOTER_ROWS)
    skipped = set(skipped_rows(parsed))
    # The repeated header (5), the row with no title (7), the total (10), the key (12), the
    # source (13), the note (14) and the signature (15); blank rows may be listed too.
    assert {5, 7, 10, 12, 13, 14, 15} <= skipped <= {5, 7, 9, 10, 11, 12, 13, 14, 15}
    assert all(isinstance(reason, str) and reason.strip() for _row, reason in parsed.skipped)
    assert parsed.unknown_statuses == {}
    assert parsed.errors == []
    assert parsed.workstreams == []


# 14. Hidden columns holding data ------------------------------------------------------------

HIDDEN_COLUMNS_SHEET = Sheet(
    [
        ["Ref", "Action", "Lead", "Deadline", "Status", "Comments", "Budget code"],
        ["E1", "Switch the council fleet to electric vans", "Fleet Services", "March 2018",
         "On target", "Six vans delivered.", "CAP-4410"],
        ["E2", "Install solar panels on the depot roof", "Property Services", "December 2016",
         "Some slippage", "The structural survey found roof repairs are needed first.",
         "CAP-4415"],
        ["E3", "Publish a carbon management plan", "Environment & Regeneration",
         "September 2016", "Complete", "Published in September.", None],
    ],
    hidden_columns=["C", "G"],
)  # fmt: skip

HIDDEN_COLUMNS_ROWS = [
    (2, "E1", "Switch the council fleet to electric vans", None, "Fleet Services",
     "March 2018", "On target", None, "Six vans delivered."),
    (3, "E2", "Install solar panels on the depot roof", None, "Property Services",
     "December 2016", "Some slippage", None,
     "The structural survey found roof repairs are needed first."),
    (4, "E3", "Publish a carbon management plan", None, "Environment & Regeneration",
     "September 2016", "Complete", None, "Published in September."),
]  # fmt: skip


def test_hidden_columns_are_read_and_listed(council):
    """A hidden column still holds what the sheet says: a person hid it to print the page,
    not to leave it out. It is read, and listed with its role, so nothing is dropped unseen."""
    parsed = read_plan(xlsx(HIDDEN_COLUMNS_SHEET), "carbon_plan.xlsx", council)

    check_rows(parsed, HIDDEN_COLUMNS_ROWS)
    assert [c.letter for c in parsed.columns] == ["A", "B", "C", "D", "E", "F", "G"]
    assert column(parsed, "C").header == "Lead"
    assert column(parsed, "C").role == "lead"
    assert column(parsed, "G").header == "Budget code"
    assert column(parsed, "G").role == ""


# 15. Several sheets: one chosen by name ------------------------------------------------------

CURRENT_ACTIONS = [
    ["Ref", "Action", "Lead", "Deadline", "Status", "Update"],
    ["ED1", "Run a start-up grant scheme for 40 new businesses", "Economic Development",
     "March 2017", "On target", "22 grants awarded."],
    ["ED2", "Market the Northgate employment site", "Property Services", "Q3 2016/17",
     "Behind schedule", "The access road works are not finished."],
    ["ED3", "Hold a tourism conference with the destination partnership", "Tourism and Events",
     "November 2016", "Not started", None],
]  # fmt: skip

COMPLETED_ACTIONS = [
    ["Ref", "Action", "Lead", "Deadline", "Status", "Update"],
    ["ED4", "Publish a town centre footfall report", "Economic Development", "June 2016",
     "Complete", "Published on 28 June."],
    ["ED5", "Run the Small Business Saturday campaign", "Tourism and Events", "December 2015",
     "Complete", "84 businesses took part."],
]  # fmt: skip

WORKBOOK = xlsx(
    Sheet([["Marshwood Vale District Council"], ["Economic Development Action Plan 2016/17"],
           ["Version 3, October 2016"]], title="Cover"),
    Sheet(CURRENT_ACTIONS, title="Current actions"),
    Sheet(COMPLETED_ACTIONS, title="Completed actions"),
    Sheet([["Status"], ["On target"], ["Some slippage"], ["Behind schedule"], ["Complete"]],
          title="Lookups"),
)  # fmt: skip

CURRENT_ROWS = [
    (2, "ED1", "Run a start-up grant scheme for 40 new businesses", None, "Economic Development",
     "March 2017", "On target", None, "22 grants awarded."),
    (3, "ED2", "Market the Northgate employment site", None, "Property Services",
     "Q3 2016/17", "Behind schedule", None, "The access road works are not finished."),
    (4, "ED3", "Hold a tourism conference with the destination partnership", None,
     "Tourism and Events", "November 2016", "Not started", None, ""),
]  # fmt: skip

COMPLETED_ROWS = [
    (2, "ED4", "Publish a town centre footfall report", None, "Economic Development",
     "June 2016", "Complete", None, "Published on 28 June."),
    (3, "ED5", "Run the Small Business Saturday campaign", None, "Tourism and Events",
     "December 2015", "Complete", None, "84 businesses took part."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("sheet", "expected"),
    [("Current actions", CURRENT_ROWS), ("Completed actions", COMPLETED_ROWS)],
)
def test_a_sheet_is_chosen_by_name(council, sheet, expected):
    parsed = read_plan(WORKBOOK, "economic_development.xlsx", council, sheet=sheet)

    check_rows(parsed, expected)
    # "Update" beside "Status" is the commentary, not a second status.
    assert roles_of(parsed)["F"] == "commentary"


def test_a_sheet_that_is_not_there_is_refused_with_the_sheets_named(council):
    with pytest.raises(ImportProblem) as refused:
        read_plan(WORKBOOK, "economic_development.xlsx", council, sheet="Actions 2017")

    assert "Current actions" in refused.value.message
    assert "Completed actions" in refused.value.message
