"""Spreadsheet import: the three seed tables land exactly as the papers print them, bad files
are refused with a clear message, and an edited export round-trips through record_update.

Spreadsheets are built at run time from the seed texts in import_files/*.json."""

import csv
import datetime
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from actionplans.exports import COLUMNS
from actionplans.imports import (
    ImportProblem,
    Limits,
    apply_changes,
    create_plan,
    find_header,
    parse_plan,
    plan_changes,
    read_table,
)
from actionplans.models import (
    Action,
    ActionLead,
    Plan,
    ProgressUpdate,
    ReportingPeriod,
    Workstream,
)
from actionplans.services import record_update
from councils.models import Council, Department, Membership, Status, User, Ward
from spreadsheets.reading import OLE2_MAGIC

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "import_files"


def seed_rows(name: str) -> list[list]:
    return json.loads((FILES / f"{name}.json").read_text(encoding="utf-8"))["rows"]


def xlsx(rows: list[list], *, sheet: str = "Sheet1", merge_headings: bool = False) -> bytes:
    """A workbook holding `rows` from A1; heading rows (one cell filled) merged across the
    table if asked, as a council's own spreadsheet often has them."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    width = max(len(row) for row in rows)
    for number, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            if value is not None:
                worksheet.cell(row=number, column=column, value=value)
        if merge_headings and len(values) == 1 and number > 5:
            worksheet.merge_cells(
                start_row=number, start_column=1, end_row=number, end_column=width
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerows([["" if value is None else value for value in row] for row in rows])
    return buffer.getvalue().encode(encoding)


def parse(data: bytes, council: Council, name: str = "plan.xlsx", **options):
    table = read_table(data, name)
    return parse_plan(table, find_header(table), council, **options)


def counts() -> dict[str, int]:
    models = [Plan, Workstream, Action, ActionLead, Department, Ward, ProgressUpdate]
    return {model.__name__: model.objects.count() for model in [*models, ReportingPeriod]}


# Seed 000: a city council's reducing inequalities plan ---------------------------------

SEED_000_STATUSES = [
    ("On target", "green", True),
    ("Ongoing", "green", True),
    ("Due to start", "grey", False),
    ("Yet to start", "grey", False),
]
SEED_000_DEPARTMENTS = [
    "Strategy",
    "Housing",
    "Strategic Housing",
    "Local Neighbourhood Services",
    "Leisure and sports development",
    "Leisure",
    "City Development",
    "HR",
    "Procurement",
    "Planning",
    "Democratic Services",
]
# Cells holding only a note: the person who transcribed the paper read each as Ongoing.
SEED_000_NOTES = [
    "Debt and money advice in progress, fuel poverty action ongoing",
    "Review of policies and opportunities as they come up",
    "Work started and will extend beyond March 2016",
    "Initial proposals complete",
    "Principles and key teams identified",
]
LNS = "Local Neighbourhood Services"
# Per action, in order: workstream number, leads, status, commentary.
SEED_000_EXPECTED = [
    (1, ["Strategy", "Housing"], "On target", ""),
    (1, [LNS], "Yet to start", ""),
    (1, [LNS, "Strategy", "Housing", "Strategic Housing"], "Ongoing", SEED_000_NOTES[0]),
    (1, ["Leisure and sports development"], "Yet to start", ""),
    (2, ["City Development", "HR", "Procurement"], "Ongoing", ""),
    (
        2,
        ["City Development", LNS, "Strategy", "Customer Contact"],
        "Ongoing",
        "Jobs Fair delivered and local activity trialled in Lakenham",
    ),
    (2, ["Planning"], "Yet to start", ""),
    (3, ["Strategy", "Democratic Services"], "Yet to start", ""),
    (3, ["Procurement", "Strategy", "City Development"], "Yet to start", ""),
    (3, [LNS], "Yet to start", "but links to e.g. community assets work"),
    (3, ["Strategy"], "Ongoing", SEED_000_NOTES[1]),
    (4, ["Strategy", LNS], "Ongoing", SEED_000_NOTES[2]),
    (4, ["Strategy", LNS, "Housing", "Citywide Services"], "Due to start", ""),
    (4, ["Strategy", LNS], "Ongoing", "Initial proposals complete"),
    (4, ["Strategy", LNS, "Housing", "Leisure"], "Ongoing", SEED_000_NOTES[2]),
    (4, ["Housing"], "Yet to start", ""),
    (5, ["Strategy"], "Ongoing", SEED_000_NOTES[4]),
]


@pytest.fixture
def fairtown(db) -> Council:
    """A council using seed 000's status words, with most of its departments set up."""
    council = Council.objects.create(name="Fairtown City Council", slug="fairtown", kind="city")
    for order, (label, rag, started) in enumerate(SEED_000_STATUSES):
        Status.objects.create(
            council=council, label=label, rag=rag, is_started=started, order=order
        )
    for name in SEED_000_DEPARTMENTS:
        Department.objects.create(council=council, name=name)
    return council


def seed_000_map(council: Council) -> dict[str, Status]:
    ongoing = Status.objects.get(council=council, label="Ongoing")
    return {text: ongoing for text in SEED_000_NOTES}


def action_rows(rows: list[list], width: int) -> list[list]:
    header = rows[4]
    return [row for row in rows if len(row) == width and row != header and row[1]]


def test_seed_000_appendix_1_lands_exactly(fairtown):
    rows = seed_rows("seed_000_appendix_1")
    parsed = parse(xlsx(rows, merge_headings=True), fairtown, status_map=seed_000_map(fairtown))
    plan = create_plan(parsed, fairtown, title="Reducing inequalities 2015-16", by=None)

    assert (plan.slug, plan.lifecycle, plan.visibility) == (
        "reducing-inequalities-2015-16",
        Plan.Lifecycle.DRAFT,
        Plan.Visibility.PUBLIC,
    )
    workstreams = list(plan.workstreams.order_by("order"))
    assert [ws.title for ws in workstreams] == [
        "Coordinate and maximise advice and support for residents hardest hit by welfare changes",
        "Maximise opportunities for residents to access apprenticeships and jobs",
        "Ensure our services, procurement and assets have maximum impact in reducing inequality",
        "Trial locality-based solutions to improving wellbeing amongst disadvantaged groups",
        "Delivery mechanisms",
    ]
    assert all(ws.parent is None and ws.reference == "" for ws in workstreams)

    actions = list(plan.actions.order_by("order"))
    written = action_rows(rows, 4)
    assert [a.title for a in actions] == [row[0] for row in written]
    assert len(actions) == 17
    for action, row, expected in zip(actions, written, SEED_000_EXPECTED, strict=True):
        number, leads, status, commentary = expected
        assert action.workstream == workstreams[number - 1], action.title
        assert [d.name for d in action.ordered_leads()] == leads, action.title
        assert action.deadline_text == row[2]
        assert (action.status.label, action.status_commentary) == (status, commentary)
        assert action.updates.get().commentary == commentary
    assert [d.name for d in Department.objects.filter(council=fairtown).order_by("pk")][-2:] == [
        "Customer Contact",
        "Citywide Services",
    ]


def test_seed_000_deadlines_keep_their_words_with_a_date_and_precision(fairtown):
    parsed = parse(
        xlsx(seed_rows("seed_000_appendix_1")), fairtown, status_map=seed_000_map(fairtown)
    )
    plan = create_plan(parsed, fairtown, title="Reducing inequalities", by=None)
    deadlines = {
        a.deadline_text: (a.deadline_date, a.deadline_precision) for a in plan.actions.all()
    }
    assert deadlines["December 2015"] == (datetime.date(2015, 12, 31), "month")
    assert deadlines["Dec 2015"] == (datetime.date(2015, 12, 31), "month")
    assert deadlines["November 2015 onwards"] == (datetime.date(2015, 11, 30), "ongoing")
    assert deadlines["Ongoing"] == (None, "ongoing")
    assert deadlines["March 2016"] == (datetime.date(2016, 3, 31), "month")


def test_seed_000_preview_reports_what_it_read_and_what_it_skipped(fairtown):
    parsed = parse(xlsx(seed_rows("seed_000_appendix_1")), fairtown)

    summary = parsed.summary()
    assert summary[0] == (
        "17 actions in 5 workstreams; 13 lead departments, 2 new: Customer Contact, "
        "Citywide Services."
    )
    assert "Sheet 'Sheet1', header on row 5." in summary
    assert "Rows 14, 23: header repeated at a page break; skipped" in summary
    assert "Row 33: note below the table, not a workstream; skipped" in summary
    assert "Row 34: key, note or page number; skipped" in summary
    assert parsed.unknown_statuses == {
        SEED_000_NOTES[0]: [9],
        SEED_000_NOTES[1]: [21],
        SEED_000_NOTES[2]: [25, 28],
        SEED_000_NOTES[3]: [27],
        SEED_000_NOTES[4]: [31],
    }
    assert parsed.errors == []
    assert parsed.unrecognised_columns == []


def test_unknown_statuses_block_the_import_until_mapped(fairtown):
    before = counts()
    parsed = parse(xlsx(seed_rows("seed_000_appendix_1")), fairtown)
    with pytest.raises(ImportProblem) as problem:
        create_plan(parsed, fairtown, title="Reducing inequalities", by=None)
    assert "confirm which status each of these means" in problem.value.message
    assert "'Initial proposals complete' (row 27)" in problem.value.message
    assert "'Work started and will extend beyond March 2016' (rows 25, 28)" in problem.value.message
    assert counts() == before


def test_a_status_mapped_to_none_keeps_the_words_without_a_status(fairtown):
    status_map = {**seed_000_map(fairtown), "Initial proposals complete": None}
    parsed = parse(xlsx(seed_rows("seed_000_appendix_1")), fairtown, status_map=status_map)
    plan = create_plan(parsed, fairtown, title="Reducing inequalities", by=None)
    shop = plan.actions.get(title="Investigate Community shop initiative")
    # Recorded as a report with no status word, so every page reads it from the history.
    (update,) = shop.updates.all()
    assert (update.status, update.commentary) == (None, "Initial proposals complete")
    assert (shop.status, shop.status_commentary) == (None, "Initial proposals complete")


def test_seed_000_appendix_2_keeps_priority_and_partners_as_written(council_a):
    rows = seed_rows("seed_000_appendix_2")
    parsed = parse(xlsx(rows), council_a)
    plan = create_plan(parsed, council_a, title="Lakenham pilot activity", by=None)

    assert not plan.workstreams.exists()
    actions = list(plan.actions.order_by("order"))
    written = action_rows(rows, 4)
    assert [(a.title, a.description, a.priority, a.partners_note) for a in actions] == [
        tuple(row) for row in written
    ]
    assert actions[2].priority == "Reducing excess weight, reducing isolation"
    assert actions[6].partners_note == "Possible focus for developing digital inclusion project"
    assert all(a.status is None and not a.lead_links.exists() for a in actions)
    assert parsed.skipped == [(11, "header repeated at a page break; skipped")]


# Seed 002: a draft equalities action plan ---------------------------------------------

SEED_002_DEPARTMENTS = [
    "Communications",
    "Health and Adult Social Care",
    "Integrated and Joint Commissioning",
    "Children's Services and Learning",
    "Skills and Economy",
    "Environment and Economy Directorate",
    "Communities",
    "Public Health",
    "Procurement, Property and Contracts",
    "Customer and Business Improvement",
    "Legal, HR and Democratic Services",
    "Corporate Services",
    "Community Safety",
]
SEED_002_STRANDS = [
    "Strategic Planning",
    "Service Development and Delivery",
    "Performance",
    "Workforce",
    "Communications",
    "Partnerships",
]
# Per action "1." to "18.": objective number, leads, equality-duty aims (E, A, F).
SEED_002_EXPECTED = [
    (1, [], "E"),
    (1, ["Communications"], "A"),
    (2, ["Health and Adult Social Care"], "A"),
    (2, ["Children's Services and Learning"], "A"),
    (2, [], "A"),
    (2, ["Skills and Economy"], "A"),
    (2, ["Communities"], "F"),
    (2, ["Public Health"], ""),
    (3, ["Integrated and Joint Commissioning"], "EA"),
    (3, [], "A"),
    (4, [], "A"),
    (4, ["Customer and Business Improvement"], ""),
    (5, ["Legal, HR and Democratic Services"], "AF"),
    (5, ["Corporate Services"], "EA"),
    (5, ["Skills and Economy"], "A"),
    (6, ["Communications"], "F"),
    (7, ["Community Safety"], "EF"),
    (7, ["Customer and Business Improvement"], "EA"),
]


@pytest.fixture
def equalities_council(council_a) -> Council:
    for name in SEED_002_DEPARTMENTS:
        Department.objects.create(council=council_a, name=name)
    return council_a


def aims(action: Action) -> str:
    flags = [
        ("E", action.serves_eliminate_discrimination),
        ("A", action.serves_advance_equality),
        ("F", action.serves_foster_relations),
    ]
    return "".join(letter for letter, served in flags if served)


def test_seed_002_lands_with_two_level_objectives(equalities_council):
    rows = seed_rows("seed_002")
    parsed = parse(xlsx(rows), equalities_council)
    plan = create_plan(parsed, equalities_council, title="Draft equalities plan", by=None)

    strands = list(plan.workstreams.filter(parent=None).order_by("order"))
    assert [(s.reference, s.title) for s in strands] == [("", t) for t in SEED_002_STRANDS]
    objectives = list(plan.workstreams.exclude(parent=None).order_by("order"))
    assert [o.reference for o in objectives] == [f"Objective {n}" for n in range(1, 8)]
    assert [o.parent.title for o in objectives] == [
        "Strategic Planning",
        "Service Development and Delivery",
        "Service Development and Delivery",
        "Performance",
        "Workforce",
        "Communications",
        "Partnerships",
    ]
    assert objectives[0].title == (
        "To consider the needs of and impact on diverse communities and clients in developing "
        "council strategies, policies and plans"
    )
    assert objectives[2].title.startswith("To ensure commissioning, contracting and grants")
    assert [ws.order for ws in plan.workstreams.order_by("order")] == list(range(1, 14))

    actions = list(plan.actions.order_by("order"))
    written = [row for row in rows if len(row) == 6 and row[0]]
    assert [(a.reference, a.title) for a in actions] == [(row[0], row[1]) for row in written]
    for action, expected in zip(actions, SEED_002_EXPECTED, strict=True):
        objective, leads, served = expected
        assert action.workstream == objectives[objective - 1], action.reference
        assert [d.name for d in action.ordered_leads()] == leads, action.reference
        assert aims(action) == served, action.reference


def test_seed_002_lead_officers_measures_and_timescales(equalities_council):
    parsed = parse(xlsx(seed_rows("seed_002")), equalities_council)
    plan = create_plan(parsed, equalities_council, title="Draft equalities plan", by=None)
    by_ref = {action.reference: action for action in plan.actions.all()}

    assert by_ref["1."].lead_officer_title == "Senior Managers, Cabinet Member for Communities"
    assert by_ref["2."].lead_officer_title == "Senior Manager, Communications"
    assert by_ref["9."].lead_officer_title == (
        "Senior Manager, Integrated and Joint Commissioning, HASC"
    )
    assert by_ref["17."].lead_officer_title == "Community Safety Manager"
    assert by_ref["1."].measures_text == (
        "All reports to Cabinet and Council have completed E&SIAs\n"
        "Members' Panel to monitor quality of the completed ESIAs"
    )
    assert by_ref["11."].outcomes == (
        "Advances equality of opportunity through:\n"
        "improved understanding of customer needs\n"
        "decrease in silo working improved outcomes for customers"
    )
    assert by_ref["1."].deadline_text == (
        "Commence from January 2013 Review on a quarterly basis ESIAs published within a "
        "month of approval"
    )
    timescales = {
        "2.": ("June 2013", datetime.date(2013, 6, 30), "month"),
        "3.": ("Agree specific action by March 2013", datetime.date(2013, 3, 31), "month"),
        "5.": ("Ongoing", None, "ongoing"),
        "9.": ("Review completed by 2014/15", datetime.date(2015, 3, 31), "financial_year"),
        "13.": ("March 2014 and annually thereafter", datetime.date(2014, 3, 31), "ongoing"),
        "14.": ("2014/ 15", datetime.date(2015, 3, 31), "financial_year"),
        "18.": ("Following conclusion of Scrutiny Inquiry", None, "none"),
    }
    for ref, expected in timescales.items():
        action = by_ref[ref]
        assert (action.deadline_text, action.deadline_date, action.deadline_precision) == expected


def test_seed_002_skips_repeated_titles_headers_and_the_key(equalities_council):
    parsed = parse(xlsx(seed_rows("seed_002")), equalities_council)
    reasons = {}
    for row, reason in parsed.skipped:
        reasons.setdefault(reason, []).append(row)
    assert reasons == {
        "title repeated above the header; skipped": [12, 14, 22, 24, 32, 34, 44, 46, 55, 57],
        "header repeated at a page break; skipped": [16, 26, 36, 48, 59],
        "key, note or page number; skipped": [62],
    }
    assert len(parsed.workstreams) == 13
    assert parsed.new_departments == []
    assert parsed.unrecognised_columns == []


def test_seed_002_as_a_windows_1252_csv_reads_the_same(equalities_council):
    rows = seed_rows("seed_002")
    from_xlsx = parse(xlsx(rows), equalities_council)
    table = read_table(csv_bytes(rows, encoding="cp1252"), "equalities.csv")
    from_csv = parse_plan(table, find_header(table), equalities_council)

    assert any("Windows-1252" in note for note in table.notes)
    assert table.rows[2].cells[0] == "Draft Equalities Action Plan – January 2013 to March 2016"

    def shape(parsed):
        return [
            (a.reference, a.title, str(a.workstream), a.departments, a.deadline, a.measures_text)
            for a in parsed.actions
        ]

    assert shape(from_csv) == shape(from_xlsx)


# Whole-import guarantees ----------------------------------------------------------------


def test_dry_run_checks_everything_and_writes_nothing(fairtown):
    before = counts()
    parsed = parse(
        xlsx(seed_rows("seed_000_appendix_1")), fairtown, status_map=seed_000_map(fairtown)
    )
    result = create_plan(parsed, fairtown, title="Reducing inequalities", by=None, dry_run=True)
    assert result is None
    assert counts() == before


def test_red_or_amber_rows_without_commentary_import_with_a_warning(council_a):
    rows = [
        ["Action", "Lead", "Status"],
        ["Jobs and skills"],
        ["Run a jobs fair", "Brand New Team", "On track"],
        ["Open a job club", "Another New Team", "Off track"],
    ]
    parsed = parse(xlsx(rows), council_a)
    assert parsed.errors == []
    assert parsed.warnings == [
        (4, "Off track (red) with no commentary: add why it is behind after the import")
    ]
    plan = create_plan(parsed, council_a, title="Jobs plan", by=None)
    club = plan.actions.get(title="Open a job club")
    assert club.status.label == "Off track" and club.updates.get().commentary == ""


def test_an_error_midway_leaves_no_plan_workstream_action_or_department(council_a, monkeypatch):
    rows = [
        ["Action", "Lead", "Status"],
        ["Jobs and skills"],
        ["Run a jobs fair", "Brand New Team", "On track"],
        ["Open a job club", "Another New Team", "Off track"],
    ]
    before = counts()
    parsed = parse(xlsx(rows), council_a)
    assert parsed.errors == [] and parsed.new_departments == ["Brand New Team", "Another New Team"]

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    # The last write of an import fails: everything written before it is undone.
    monkeypatch.setattr("actionplans.imports.record_imported_updates", fail)
    with pytest.raises(RuntimeError):
        create_plan(parsed, council_a, title="Jobs plan", by=None)
    assert counts() == before


def test_a_bad_percentage_is_reported_and_blocks_the_import(council_a):
    rows = [
        ["Ref", "Action", "Status", "% complete"],
        ["1", "Run a jobs fair", "On track", "40%"],
        ["2", "Open a job club", "On track", "lots"],
        ["3", "Train mentors", "On track", 0.4],
    ]
    parsed = parse(xlsx(rows), council_a)
    assert [a.percent for a in parsed.actions] == [40, None, 40]
    assert [p.message for p in parsed.errors] == [
        "Row 3, column D: 'lots' is not a % complete: enter a number from 0 to 100."
    ]
    assert (parsed.errors[0].row, parsed.errors[0].column) == (3, "D")
    with pytest.raises(ImportProblem, match="Nothing was imported"):
        create_plan(parsed, council_a, title="Jobs plan", by=None)
    assert not Plan.objects.filter(title="Jobs plan").exists()


def test_a_percent_formatted_excel_cell_reads_as_a_percentage(council_a):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Action", "Status", "% complete"])
    sheet.append(["Run a jobs fair", "On track", 0.35])
    sheet["C2"].number_format = "0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert parse(buffer.getvalue(), council_a).actions[0].percent == 35


@pytest.mark.parametrize(
    "cell, status, commentary",
    [
        ("on track", "On track", ""),
        ("G", "On track", ""),
        ("Red", "Off track", ""),
        ("B", "Complete", ""),
        ("A - waiting for the partner's reply", "Delayed", "waiting for the partner's reply"),
        ("Complete: signed off in March", "Complete", "signed off in March"),
        ("Not started but budget agreed", "Not started", "but budget agreed"),
        ("Not started budget agreed", "Not started", "budget agreed"),
        ("Due to start, see note", "Not started", "see note"),
        ("Slipping a little", "Delayed", "Slipping a little"),
        ("Awaiting sign-off", None, "Awaiting sign-off"),
    ],
)
def test_status_cells_are_read_as_a_status_word_and_a_note(council_a, cell, status, commentary):
    not_started = Status.objects.get(council=council_a, label="Not started")
    delayed = Status.objects.get(council=council_a, label="Delayed")
    status_map = {
        "Due to start": not_started,
        "Slipping a little": delayed,
        "Awaiting sign-off": None,
    }
    rows = [["Action", "Status"], ["Run a jobs fair", cell]]
    # Exact words and the person's mapping are the status; common wording and RAG letters
    # are suggestions, taken here as a person confirming them would.
    parsed = parse(xlsx(rows), council_a, status_map=status_map, accept_suggestions=True)
    action = parsed.actions[0]
    assert (action.status.label if action.status else None, action.commentary) == (
        status,
        commentary,
    )
    assert parsed.unknown_statuses == {}


def test_single_letters_need_a_separator_to_be_a_rag_status(council_a):
    rows = [["Action", "Status"], ["Run a jobs fair", "A new venue is booked"]]
    parsed = parse(xlsx(rows), council_a)
    assert parsed.unknown_statuses == {"A new venue is booked": [2]}


def test_header_wordings_are_recognised_and_the_rest_reported(council_a):
    rows = [
        ["Ref.", "Activities", "Lead officer(s)", "Status at 31 March", "Possible partners/ links"],
        ["1", "Run a jobs fair", "Employment Manager", "On track", "Jobcentre Plus"],
    ]
    rows[0].append("Cost centre")
    rows[1].append("ignored")
    table = read_table(xlsx(rows), "plan.xlsx")
    header = find_header(table)
    assert header.roles == {
        0: "reference",
        1: "title",
        2: "lead_officer",
        3: "status",
        4: "partners",
    }
    assert [column.described for column in header.unmapped] == ["Cost centre (column F)"]
    action = parse_plan(table, header, council_a).actions[0]
    assert (action.reference, action.lead_officer_title, action.partners_note) == (
        "1",
        "Employment Manager",
        "Jobcentre Plus",
    )


def test_leads_split_into_departments_and_job_titles(council_a):
    Department.objects.create(council=council_a, name="Legal, HR and Democratic Services")
    rows = [
        ["Action", "Lead"],
        ["One", "Strategy and Housing"],
        ["Two", "Leisure and sports development"],
        ["Three", "City Development, HR and Procurement"],
        ["Four", "Legal, HR and Democratic Services; Planning"],
        ["Five", "Senior Manager, Communications"],
        ["Six", "Head of Finance"],
    ]
    parsed = parse(xlsx(rows), council_a)
    assert [(a.departments, a.lead_officer_title) for a in parsed.actions] == [
        (["Strategy and Housing"], ""),  # one name unless the council has both
        (["Leisure and sports development"], ""),
        (["City Development", "HR", "Procurement"], ""),
        (["Legal, HR and Democratic Services", "Planning"], ""),
        (["Communications"], "Senior Manager, Communications"),
        ([], "Head of Finance"),
    ]


def test_a_tracker_with_its_own_columns_lands(council_a):
    Ward.objects.create(council=council_a, name="Lakenham")
    rows = [
        ["No.", "Theme", "Action", "Lead officer", "Status", "% complete", "Comments", "Wards"],
        [
            "1",
            "Jobs",
            "Run a jobs fair",
            "Employment Manager",
            "On track",
            "40",
            "Venue booked",
            "lakenham, Town Close",
        ],
        ["2", "Jobs", "Open a job club", "", "Delayed: no venue", "", "Asking schools", ""],
        ["3", "Health", "Walk to school week", "", "", "", "", ""],
    ]
    parsed = parse(xlsx(rows), council_a)
    plan = create_plan(parsed, council_a, title="Jobs and health", by=None)

    assert [(ws.title, ws.parent) for ws in plan.workstreams.order_by("order")] == [
        ("Jobs", None),
        ("Health", None),
    ]
    fair, club, walk = plan.actions.order_by("order")
    assert (fair.reference, fair.workstream.title, fair.lead_officer_title) == (
        "1",
        "Jobs",
        "Employment Manager",
    )
    assert sorted(w.name for w in fair.wards.all()) == ["Lakenham", "Town Close"]
    assert Ward.objects.filter(council=council_a).count() == 2
    update = fair.updates.get()
    assert (update.status.label, update.percent_complete, update.commentary) == (
        "On track",
        40,
        "Venue booked",
    )
    assert (club.status.label, club.status_commentary) == ("Delayed", "no venue\nAsking schools")
    assert (walk.workstream.title, walk.status, walk.updates.count()) == ("Health", None, 0)


# Files that cannot be read --------------------------------------------------------------


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def workbook_bytes(build) -> bytes:
    workbook = openpyxl.Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def formula_sheet(workbook) -> None:
    sheet = workbook.active
    sheet.append(["Action", "Lead", "Budget"])
    sheet.append(["Run a jobs fair", "Strategy", 10])
    sheet.append(["Open a job club", "Strategy", 20])
    sheet["C4"] = "=SUM(A1:A2)"


def zip_member(size: int, name: str = "xl/worksheets/sheet1.xml") -> bytes:
    """A zip whose one member inflates to `size` bytes of zeros: a few KB on disk."""
    buffer = io.BytesIO()
    chunk = b"\0" * (1 << 20)
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w", force_zip64=True) as member,
    ):
        for _ in range(size // len(chunk)):
            member.write(chunk)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data, filename, message",
    [
        (png(), "plan.xlsx", "This is not an Excel (.xlsx) or CSV file"),
        (b"Action,Lead\nRun a jobs fair,Strategy\n", "plan.xlsx", "not an Excel (.xlsx) or CSV"),
        (png(), "plan.csv", "not an Excel (.xlsx) or CSV"),
        (b"%PDF-1.7 ...", "plan.pdf", "not an Excel (.xlsx) or CSV"),
        (OLE2_MAGIC + b"\x00" * 504, "plan.xlsx", "password-protected, or the old .xls format"),
        (OLE2_MAGIC + b"\x00" * 504, "plan.xls", "save it as .xlsx without a password"),
        (b"PK\x03\x04" + b"broken" * 50, "plan.xlsx", "This Excel file is damaged"),
        (b"", "plan.xlsx", "The file is empty."),
        (b"\r\n\r\n", "plan.csv", "The file is empty."),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused(data, filename, message):
    with pytest.raises(ImportProblem) as problem:
        read_table(data, filename)
    assert message in problem.value.message


def test_an_empty_sheet_is_refused():
    with pytest.raises(ImportProblem, match="The file is empty: the sheet 'Sheet' has no rows."):
        read_table(workbook_bytes(lambda workbook: None), "plan.xlsx")


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = zip_member(101 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    with pytest.raises(ImportProblem) as problem:
        read_table(bomb, "plan.xlsx")
    assert problem.value.message.startswith("This Excel file unpacks to 101.0 MB; the limit is")


def test_a_file_that_unpacks_to_far_more_than_its_size_is_refused():
    with pytest.raises(ImportProblem, match="times its size"):
        read_table(zip_member(5 * 1024 * 1024), "plan.xlsx")


def test_a_file_over_the_size_limit_is_refused():
    data = xlsx([["Action", "Lead"], ["Run a jobs fair", "Strategy"]])
    with pytest.raises(ImportProblem) as problem:
        read_table(data, "plan.xlsx", limits=Limits(max_bytes=1000))
    assert (
        f"The file is {len(data) / 1024:.0f} KB; the limit is 1000 bytes." in problem.value.message
    )


def test_a_sheet_over_the_row_limit_is_refused():
    rows = [["Action", "Lead"]] + [[f"Action {n}", "Strategy"] for n in range(59)]
    with pytest.raises(ImportProblem) as problem:
        read_table(xlsx(rows), "plan.xlsx", limits=Limits(max_rows=50))
    assert "The sheet has 60 rows; the limit is 50 rows." in problem.value.message


def test_a_sheet_over_the_column_limit_is_refused():
    rows = [["Action", "Lead", *[f"Extra {n}" for n in range(10)]]]
    with pytest.raises(ImportProblem) as problem:
        read_table(xlsx(rows), "plan.xlsx", limits=Limits(max_columns=8))
    assert problem.value.message.startswith("Row 1 has content in column L; the limit is 8")


def test_a_formula_is_refused_naming_its_row_column_and_text():
    with pytest.raises(ImportProblem) as problem:
        read_table(workbook_bytes(formula_sheet), "plan.xlsx")
    assert problem.value.message == (
        "Row 4, column C holds a formula (=SUM(A1:A2)). Save a copy with values only "
        "(Paste Special > Values) and upload that."
    )
    assert (problem.value.row, problem.value.column) == (4, "C")


def test_a_csv_formula_is_refused_but_a_neutralised_one_is_text():
    with pytest.raises(ImportProblem, match="Row 2, column B holds a formula"):
        read_table(b'Action,Lead\nRun a jobs fair,=HYPERLINK("x")\n', "plan.csv")
    table = read_table(b"Action,Lead\nRun a jobs fair,'=Strategy\n", "plan.csv")
    assert table.rows[1].cells == ["Run a jobs fair", "=Strategy"]


def test_text_stored_as_text_is_not_a_formula():
    def build(workbook):
        workbook.active.append(["Action", "Commentary"])
        workbook.active["A2"] = "Run a jobs fair"
        workbook.active["B2"] = "=as agreed"
        workbook.active["B2"].data_type = "s"

    table = read_table(workbook_bytes(build), "plan.xlsx")
    assert table.rows[1].cells == ["Run a jobs fair", "=as agreed"]


def test_no_recognisable_header_is_refused():
    rows = [["Minutes of the meeting"], ["12 March 2016"], ["Apologies were received."]]
    table = read_table(xlsx(rows), "minutes.xlsx")
    with pytest.raises(ImportProblem) as problem:
        find_header(table)
    assert problem.value.message == (
        "No header row found in the first 30 rows: expected columns such as Action, Lead, "
        "Deadline, Status"
    )


def test_a_header_with_no_action_column_names_what_it_found():
    rows = [["Minutes of the meeting"], ["Item", "Notes"], ["1", "Apologies"]]
    table = read_table(xlsx(rows), "minutes.xlsx")
    with pytest.raises(ImportProblem) as problem:
        find_header(table)
    assert problem.value.message == (
        "No column holds the actions' titles. The header on row 2 has: Item (column A); "
        "Notes (column B). Say which column is the action (its role: Action title)."
    )
    # The columns come with the problem, so the preview can offer a role for each.
    assert [(c.letter, c.role) for c in problem.value.columns.columns] == [
        ("A", "reference"),
        ("B", "commentary"),
    ]


def test_a_windows_1252_csv_with_a_pound_sign_is_read_and_noted():
    data = "Action,Lead,Budget\nRun a jobs fair,Strategy,£300\n".encode("cp1252")
    table = read_table(data, "plan.csv")
    assert table.rows[1].cells == ["Run a jobs fair", "Strategy", "£300"]
    assert table.notes == [
        "The CSV file was read as Windows-1252 (Excel's usual CSV encoding), not UTF-8."
    ]


def test_a_semicolon_delimited_csv_is_read():
    rows = [
        ["Action", "Lead", "Deadline"],
        ["Run a jobs fair, with partners", "Strategy", "Q4 2015/16"],
    ]
    table = read_table(csv_bytes(rows, delimiter=";"), "plan.csv")
    assert table.rows[1].cells == ["Run a jobs fair, with partners", "Strategy", "Q4 2015/16"]
    assert "Columns were separated by semicolons." in table.notes


def test_a_sheet_is_chosen_by_name_and_an_unknown_one_is_refused():
    def build(workbook):
        workbook.active.title = "Notes"
        workbook.active.append(["Read me first"])
        plan = workbook.create_sheet("Plan")
        plan.append(["Action", "Lead"])
        plan.append(["Run a jobs fair", "Strategy"])

    data = workbook_bytes(build)
    assert read_table(data, "plan.xlsx", sheet="plan").sheet == "Plan"
    first = read_table(data, "plan.xlsx")
    assert first.sheet == "Notes" and "The file also has: Plan" in " ".join(first.notes)
    with pytest.raises(ImportProblem) as problem:
        read_table(data, "plan.xlsx", sheet="Nope")
    assert (
        problem.value.message == "There is no sheet called 'Nope'. The sheets are: 'Notes', 'Plan'."
    )


def test_excel_dates_and_numbers_arrive_as_people_saw_them(council_a):
    rows = [["Ref", "Action", "Deadline"], [1.0, "Run a jobs fair", datetime.datetime(2016, 3, 31)]]
    table = read_table(xlsx(rows), "plan.xlsx")
    assert table.rows[1].cells == ["1", "Run a jobs fair", datetime.date(2016, 3, 31)]
    action = parse_plan(table, find_header(table), council_a).actions[0]
    assert (action.deadline.text, action.deadline.date, action.deadline.precision) == (
        "31/03/2016",
        datetime.date(2016, 3, 31),
        "day",
    )


# Round trip: an edited copy of an exported plan -----------------------------------------

# The layout the exporter writes, so these tests follow it if it changes.
EXPORT_COLUMNS = list(COLUMNS)


def status(council: Council, label: str) -> Status:
    return Status.objects.get(council=council, label=label)


@pytest.fixture
def strategy(council_a) -> Department:
    return Department.objects.create(council=council_a, name="Strategy")


@pytest.fixture
def housing(council_a) -> Department:
    return Department.objects.create(council=council_a, name="Housing")


@pytest.fixture
def tracked_plan(council_a, plan_manager, strategy, housing) -> Plan:
    """A plan as the demo has them: one workstream, four actions, each with a status."""
    plan = Plan.objects.create(council=council_a, title="Reducing inequalities", slug="ri")
    workstream = Workstream.objects.create(
        plan=plan, title="Trial locality-based solutions", order=1
    )
    specs = [
        (
            "1.",
            "Area-based initiative in Lakenham",
            [strategy],
            "March 2016",
            "On track",
            "Started",
        ),
        ("2.", "Promote food growing", [strategy, housing], "October 2015", "Not started", ""),
        (
            "3.",
            "Investigate Community shop initiative",
            [strategy],
            "October 2016",
            "On track",
            "Initial proposals complete",
        ),
        ("4.", "Neighbourhood improvements", [housing], "March 2016", "Not started", ""),
    ]
    for order, (ref, title, leads, deadline, label, commentary) in enumerate(specs, start=1):
        action = Action(plan=plan, workstream=workstream, reference=ref, title=title, order=order)
        action.set_deadline(deadline)
        action.save()
        for position, department in enumerate(leads):
            action.lead_links.create(department=department, order=position)
        record_update(
            action,
            by=plan_manager,
            status=status(council_a, label),
            commentary=commentary,
            reported_on=datetime.date(2015, 10, 20),
        )
    return plan


def export_rows(plan: Plan, edits: dict[str, dict] | None = None) -> list[list]:
    """The plan in the export's layout (title, as-at and licence rows, the header on row 5,
    workstream headings, hidden Action ID), with `edits` by action title applied."""
    rows = [
        [plan.title],
        [f"{plan.council.name} – progress as at 20 October 2015"],
        ["Published under the Open Government Licence v3.0"],
        [],
        list(EXPORT_COLUMNS),
    ]
    for workstream in plan.workstreams.order_by("order"):
        rows.append([str(workstream)])
        for action in workstream.actions.order_by("order"):
            values = {
                "Ref": action.reference,
                "Action": action.title,
                "Workstream": str(workstream),
                "Lead": action.lead_display(),
                "Deadline": action.deadline_text,
                "Deadline date": action.deadline_date,
                "Status": action.status.label,
                "RAG": action.status.get_rag_display(),
                "% complete": action.percent_complete,
                "Commentary": action.status_commentary or None,
                "Last updated": action.last_updated,
                "Action ID": action.pk,
            }
            values.update((edits or {}).get(action.title, {}))
            rows.append([None if values.get(c) == "" else values.get(c) for c in EXPORT_COLUMNS])
    return rows


def export_xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Actions"
    for number, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            if value not in (None, ""):
                sheet.cell(row=number, column=column, value=value)
        if len(values) == 1 and number > 5:
            sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=17)
    sheet.column_dimensions["R"].hidden = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EDITS = {
    "Promote food growing": {"Status": "On track", "% complete": 20},
    "Investigate Community shop initiative": {
        "Commentary": "Shop site identified; business case due in March"
    },
    "Neighbourhood improvements": {"Deadline": "June 2016"},
}


def test_plan_changes_lists_exactly_what_the_upload_changes(tracked_plan, council_a):
    parsed = parse(export_xlsx(export_rows(tracked_plan, EDITS)), council_a)
    assert parsed.unrecognised_columns == [] and parsed.errors == []
    changes = plan_changes(parsed, tracked_plan)

    assert [(c.action.title, c.row, c.fields) for c in changes] == [
        (
            "Promote food growing",
            8,
            [("status", "Not started", "On track"), ("% complete", "", "20")],
        ),
        (
            "Investigate Community shop initiative",
            9,
            [
                (
                    "commentary",
                    "Initial proposals complete",
                    "Shop site identified; business case due in March",
                )
            ],
        ),
        ("Neighbourhood improvements", 10, [("deadline", "March 2016", "June 2016")]),
    ]
    assert changes[0].describe() == (
        "Row 8: 'Promote food growing': status Not started -> On track; % complete (none) -> 20"
    )


def test_apply_changes_records_progress_updates(tracked_plan, council_a, plan_manager):
    parsed = parse(export_xlsx(export_rows(tracked_plan, EDITS)), council_a)
    updates = apply_changes(plan_changes(parsed, tracked_plan), tracked_plan, by=plan_manager)

    assert len(updates) == 3
    food = tracked_plan.actions.get(title="Promote food growing")
    assert (food.status.label, food.percent_complete) == ("On track", 20)
    assert food.updates.count() == 2 and food.updates.first().author == plan_manager
    shop = tracked_plan.actions.get(title="Investigate Community shop initiative")
    assert shop.status_commentary == "Shop site identified; business case due in March"
    assert shop.status.label == "On track"
    neighbourhood = tracked_plan.actions.get(title="Neighbourhood improvements")
    assert (neighbourhood.deadline_text, neighbourhood.deadline_date) == (
        "June 2016",
        datetime.date(2016, 6, 30),
    )
    assert neighbourhood.baseline_deadline_text == "March 2016"
    assert neighbourhood.deadline_revision_reason == "Changed in an uploaded spreadsheet"
    assert neighbourhood.updates.first().revised_deadline_text == "June 2016"
    untouched = tracked_plan.actions.get(title="Area-based initiative in Lakenham")
    assert untouched.updates.count() == 1


def test_an_officer_cannot_change_actions_they_do_not_lead(tracked_plan, council_a, housing):
    officer = User.objects.create_user("housing-officer", password="pw")
    Membership.objects.create(user=officer, council=council_a, role="officer", department=housing)
    parsed = parse(export_xlsx(export_rows(tracked_plan, EDITS)), council_a)
    changes = plan_changes(parsed, tracked_plan)
    before = ProgressUpdate.objects.count()

    with pytest.raises(ImportProblem) as problem:
        apply_changes(changes, tracked_plan, by=officer)
    assert problem.value.message == (
        "Nothing was changed:\n- Row 9: you may not update 'Investigate Community shop initiative'."
    )
    assert ProgressUpdate.objects.count() == before
    assert tracked_plan.actions.get(title="Promote food growing").status.label == "Not started"


def test_a_stale_change_is_refused(tracked_plan, council_a, plan_manager):
    parsed = parse(export_xlsx(export_rows(tracked_plan, EDITS)), council_a)
    changes = plan_changes(parsed, tracked_plan)
    shop = tracked_plan.actions.get(title="Investigate Community shop initiative")
    record_update(shop, by=plan_manager, status=status(council_a, "Delayed"), commentary="Lease")
    before = ProgressUpdate.objects.count()

    with pytest.raises(ImportProblem) as problem:
        apply_changes(changes, tracked_plan, by=plan_manager)
    assert problem.value.message.startswith("Nothing was changed:\n- Row 9: the action was changed")
    assert "Status On track -> Delayed" in problem.value.message
    assert ProgressUpdate.objects.count() == before
    assert tracked_plan.actions.get(title="Promote food growing").status.label == "Not started"


def test_rules_refusing_an_update_refuse_the_whole_upload(tracked_plan, council_a, plan_manager):
    edits = {
        **EDITS,
        "Area-based initiative in Lakenham": {"Status": "Off track", "Commentary": ""},
    }
    parsed = parse(export_xlsx(export_rows(tracked_plan, edits)), council_a)
    before = ProgressUpdate.objects.count()
    with pytest.raises(ImportProblem) as problem:
        apply_changes(plan_changes(parsed, tracked_plan), tracked_plan, by=plan_manager)
    assert (
        "Row 7: Explain why the action is off track and what is being done."
        in problem.value.message
    )
    assert ProgressUpdate.objects.count() == before


def test_a_round_trip_dry_run_saves_nothing(tracked_plan, council_a, plan_manager):
    parsed = parse(export_xlsx(export_rows(tracked_plan, EDITS)), council_a)
    before = counts()
    changes = plan_changes(parsed, tracked_plan)
    assert len(apply_changes(changes, tracked_plan, by=plan_manager, dry_run=True)) == 3
    assert counts() == before
    assert tracked_plan.actions.get(title="Promote food growing").status.label == "Not started"


def test_an_action_id_of_another_plan_is_an_error(tracked_plan, council_a, action_a):
    rows = export_rows(tracked_plan)
    rows[6][EXPORT_COLUMNS.index("Action ID")] = action_a.pk
    parsed = parse(export_xlsx(rows), council_a)
    with pytest.raises(ImportProblem) as problem:
        plan_changes(parsed, tracked_plan)
    assert f"Row 7, column S: Action ID {action_a.pk} is not an action of" in problem.value.message


def test_rows_without_the_id_match_by_reference_then_title(tracked_plan, council_a):
    rows = export_rows(tracked_plan, EDITS)
    for row in rows[5:]:
        del row[EXPORT_COLUMNS.index("Action ID") :]
    rows[8][0] = None  # no reference either: matched by its title
    changes = plan_changes(parse(export_xlsx(rows), council_a), tracked_plan)
    assert [c.action.title for c in changes] == list(EDITS)


def test_unknown_status_words_in_an_upload_wait_for_a_mapping(
    tracked_plan, council_a, plan_manager
):
    edits = {"Promote food growing": {"Status": "Nearly there"}}
    parsed = parse(export_xlsx(export_rows(tracked_plan, edits)), council_a)
    assert parsed.unknown_statuses == {"Nearly there": [8]}
    changes = plan_changes(parsed, tracked_plan)
    with pytest.raises(ImportProblem, match="Row 8: status words 'Nearly there' not matched"):
        apply_changes(changes, tracked_plan, by=plan_manager)

    mapped = parse(
        export_xlsx(export_rows(tracked_plan, edits)),
        council_a,
        status_map={"Nearly there": status(council_a, "On track")},
    )
    [change] = plan_changes(mapped, tracked_plan)
    assert change.fields == [
        ("status", "Not started", "On track"),
        ("commentary", "", "Nearly there"),
    ]


# The command line -----------------------------------------------------------------------


def seed_000_file(tmp_path: Path) -> Path:
    path = tmp_path / "appendix-1.xlsx"
    path.write_bytes(xlsx(seed_rows("seed_000_appendix_1"), merge_headings=True))
    return path


SEED_000_MAPS = [f"{text}=Ongoing" for text in SEED_000_NOTES]


def test_cli_creates_a_plan_and_prints_what_it_read(fairtown, tmp_path):
    out = io.StringIO()
    call_command(
        "import_plan",
        str(seed_000_file(tmp_path)),
        council="fairtown",
        title="Reducing inequalities 2015-16",
        map=SEED_000_MAPS,
        stdout=out,
    )
    output = out.getvalue()
    assert "17 actions in 5 workstreams; 13 lead departments, 2 new: Customer Contact" in output
    assert "\nDelivery mechanisms\n" in output
    assert (
        "  1. Ensure a smooth transition to Universal Credit which minimises negative impacts on "
        "residents — lead: Strategy, Housing — deadline: December 2015 — status: On target\n"
    ) in output
    assert (
        "  14. Investigate Community shop initiative — lead: Strategy, Local Neighbourhood "
        in output
    )
    assert "Rows 14, 23: header repeated at a page break; skipped" in output
    assert "Created the draft plan 'Reducing inequalities 2015-16'" in output
    assert Plan.objects.get(council=fairtown).actions.count() == 17


def test_cli_dry_run_leaves_the_database_unchanged(fairtown, tmp_path):
    before = counts()
    out = io.StringIO()
    call_command(
        "import_plan",
        str(seed_000_file(tmp_path)),
        council="fairtown",
        title="Reducing inequalities",
        map=SEED_000_MAPS,
        dry_run=True,
        stdout=out,
    )
    assert "Dry run: 'Reducing inequalities' would be created with 17 actions." in out.getvalue()
    assert counts() == before


def test_cli_lists_unknown_statuses_and_how_to_map_them(fairtown, tmp_path):
    before = counts()
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 status to confirm"):
        call_command(
            "import_plan",
            str(seed_000_file(tmp_path)),
            council="fairtown",
            title="Reducing inequalities",
            map=SEED_000_MAPS[1:],
            stdout=out,
        )
    output = out.getvalue()
    assert "'Debt and money advice in progress, fuel poverty action ongoing' (row 9)" in output
    assert "--map" in output
    assert counts() == before


def test_cli_refuses_a_map_to_a_status_the_council_does_not_have(fairtown, tmp_path):
    with pytest.raises(CommandError, match="'Off track' is not a status of Fairtown"):
        call_command(
            "import_plan",
            str(seed_000_file(tmp_path)),
            council="fairtown",
            title="Reducing inequalities",
            map=["Initial proposals complete=Off track"],
            stdout=io.StringIO(),
        )


def test_cli_reads_the_sheet_it_is_told_to(council_a, tmp_path):
    def build(workbook):
        workbook.active.title = "Cover"
        workbook.active.append(["Jobs plan 2016"])
        sheet = workbook.create_sheet("Actions")
        sheet.append(["Action", "Lead", "Deadline"])
        sheet.append(["Run a jobs fair", "Economic Development", "Q4 2015/16"])

    path = tmp_path / "jobs.xlsx"
    path.write_bytes(workbook_bytes(build))
    out = io.StringIO()
    call_command(
        "import_plan", str(path), council="anytown", title="Jobs", sheet="Actions", stdout=out
    )
    assert "Sheet 'Actions', header on row 1." in out.getvalue()
    assert (
        "  1. Run a jobs fair — lead: Economic Development — deadline: Q4 2015/16 — status: (none)"
        in out.getvalue()
    )
    action = Plan.objects.get(council=council_a, title="Jobs").actions.get()
    assert action.deadline_date == datetime.date(2016, 3, 31)


def test_cli_reports_a_bad_file(fairtown, tmp_path):
    path = tmp_path / "photo.xlsx"
    path.write_bytes(png())
    with pytest.raises(CommandError, match="This is not an Excel"):
        call_command("import_plan", str(path), council="fairtown", title="T", stdout=io.StringIO())


def test_cli_applies_an_edited_export(tracked_plan, council_a, plan_manager, tmp_path):
    path = tmp_path / "edited.xlsx"
    path.write_bytes(export_xlsx(export_rows(tracked_plan, EDITS)))
    out = io.StringIO()
    call_command(
        "import_plan",
        str(path),
        council="anytown",
        update="ri",
        user=plan_manager.username,
        stdout=out,
    )
    output = out.getvalue()
    assert (
        "Row 8: 'Promote food growing': status Not started -> On track; % complete (none) -> 20"
    ) in output
    assert "Row 10: 'Neighbourhood improvements': deadline March 2016 -> June 2016" in output
    assert "Recorded 3 progress updates on 'Reducing inequalities'." in output
    assert tracked_plan.actions.get(title="Promote food growing").percent_complete == 20


def test_cli_update_needs_a_user(tracked_plan, tmp_path):
    path = tmp_path / "edited.xlsx"
    path.write_bytes(export_xlsx(export_rows(tracked_plan, EDITS)))
    with pytest.raises(CommandError, match="--update needs --user"):
        call_command("import_plan", str(path), council="anytown", update="ri")


def test_cli_update_refused_for_an_officer_writes_nothing(tracked_plan, council_a, tmp_path):
    officer = User.objects.create_user("no-department-officer", password="pw")
    Membership.objects.create(user=officer, council=council_a, role="officer")
    path = tmp_path / "edited.xlsx"
    path.write_bytes(export_xlsx(export_rows(tracked_plan, EDITS)))
    before = counts()
    with pytest.raises(CommandError, match="you may not update 'Promote food growing'"):
        call_command(
            "import_plan",
            str(path),
            council="anytown",
            update=str(tracked_plan.pk),
            user=officer.username,
            stdout=io.StringIO(),
        )
    assert counts() == before
