"""Header rows as councils write them, beyond the issue's examples: each column's role,
from its header and, where the header is unclear, its cells. "-" is a column left for the
person to give a role (listed on the preview, never dropped)."""

import pytest

from actionplans.imports import find_header
from spreadsheets.reading import Row, Table

CASES = [
    (
        ["Action", "Lead Officer", "Timescale", "Resources", "Measure of success", "Progress/RAG"],
        [
            "Do x",
            "Head of Housing",
            "March 2017",
            "Existing budget",
            "50 homes",
            "Green - on track",
        ],
        "title lead_officer deadline - measures status",
    ),
    (
        [
            "Ref",
            "Objective",
            "Action",
            "Responsible",
            "Start date",
            "End date",
            "Status",
            "Comments",
        ],
        ["1", "Obj A", "Do y", "Planning", "01/04/2016", "31/03/2017", "On track", "fine"],
        "reference group title lead - deadline status commentary",
    ),
    (
        [
            "No.",
            "What we will do",
            "How we will do it",
            "Who",
            "When",
            "How we will measure success",
            "Update",
        ],
        ["1", "Do z", "By working with partners", "Housing", "2017", "Fewer voids", "Started"],
        "reference title description lead deadline measures status",
    ),
    (
        [
            "Priority",
            "Key actions",
            "Lead",
            "Partners",
            "Timescale",
            "Outcome/Measure",
            "RAG",
            "Progress update",
        ],
        ["P1", "Do w", "Housing", "NHS", "2017", "Better", "A", "Some slippage in Q2"],
        "priority title lead partners deadline measures rag commentary",
    ),
    (
        [
            "Ref",
            "Action",
            "Lead Member",
            "Lead Officer",
            "Target Date",
            "Q1 Update",
            "Q2 Update",
            "Q3 Update",
            "RAG",
        ],
        ["1", "a", "Cabinet Member for Housing", "Head of Service", "2017", "q1", "q2", "q3", "G"],
        "reference title ignore lead_officer deadline history history commentary rag",
    ),
    (
        ["Theme", "Action", "Owner", "Due", "Current Status", "Direction of travel", "Notes"],
        ["T", "a", "Parks", "2017", "On track", "Improving", "n"],
        "group title lead deadline status - commentary",
    ),
    (
        ["Outcome", "Action", "Lead", "By", "BRAG", "Update"],
        ["O", "a", "l", "2017", "B", "Delivered in June"],
        "outcomes title lead deadline rag commentary",
    ),
    (
        [
            "Workstream",
            "Task",
            "Accountable",
            "Milestone date",
            "Actual date",
            "% Complete",
            "Position statement",
        ],
        ["W", "t", "ICT", "30/06/2017", "28/06/2017", "100%", "New servers live in all offices"],
        "group title lead deadline completion_date percent commentary",
    ),
    (
        [
            "Strand",
            "Activity",
            "Service area",
            "To be completed/progressed by",
            "Progress at 30 September 2016",
        ],
        [
            "S",
            "act",
            "Leisure",
            "March 2017",
            "Consultation has closed and responses are being analysed",
        ],
        "group title lead deadline commentary",
    ),
    (
        ["Ref", "Action", "Lead", "Due", "Completed"],
        ["1", "Publish the plan", "Policy", "31/03/2017", "14/02/2017"],
        "reference title lead deadline completion_date",
    ),
    (
        ["Action", "Directorate", "Forecast completion", "R/A/G", "Exception report"],
        ["Do it", "Place", "Q4 2016/17", "R", "Contractor went into administration"],
        "title lead deadline rag commentary",
    ),
]


@pytest.mark.parametrize(("header", "row", "roles"), CASES, ids=[c[0][1] for c in CASES])
def test_header_wording(council, header, row, roles):
    rows = [Row(1, list(header)), Row(2, list(row)), Row(3, list(row))]
    layout = find_header(Table(rows, sheet="Sheet1"), council)
    assert " ".join(column.role or "-" for column in layout.columns) == roles
