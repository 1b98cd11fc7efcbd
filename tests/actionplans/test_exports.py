"""Plan exports: one row generator behind the XLSX, CSV and JSON files, and the CLI."""

import csv
import datetime
import io
import json
import textwrap
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from actionplans.exports import (
    COLUMNS,
    LICENCE_NAME,
    LICENCE_URL,
    ActionRow,
    Heading,
    content_type,
    export_filename,
    neutralise,
    plan_rows,
    render,
    render_csv,
    render_json,
    render_xlsx,
)
from actionplans.exports import _wrapped_lines as wrapped_lines  # the row-height line count
from actionplans.models import Action, ActionLead, Plan, Workstream
from actionplans.services import record_update
from councils.models import Department, Status, Ward
from tests.conftest import make_plan

pytestmark = pytest.mark.django_db

NORWICH_PLAN = "reducing-inequalities-2015-16"
EXAMPLE_CITY_PLAN = "equalities-action-plan-2013-2016"
NORWICH_AS_AT = datetime.date(2015, 10, 20)
NORWICH_WORKSTREAMS = [
    "Coordinate and maximise advice and support for residents hardest hit by welfare changes",
    "Maximise opportunities for residents to access apprenticeships and jobs",
    "Ensure our services, procurement and assets have maximum impact in reducing inequality",
    "Trial locality-based solutions to improving wellbeing amongst disadvantaged groups",
    "Delivery mechanisms",
]
# Rows of the Norwich sheet: a heading, then its actions (4, 3, 4, 5 and 1).
NORWICH_HEADING_ROWS = [6, 11, 15, 20, 26]
NORWICH_ACTION_ROWS = [7, 8, 9, 10, 12, 13, 14, 16, 17, 18, 19, 21, 22, 23, 24, 25, 27]
FORMULA_TEXTS = ['=HYPERLINK("http://evil")', "+1", "-2", "@SUM(A1)", "\t=1+1"]


def norwich() -> Plan:
    return Plan.objects.select_related("council").get(slug=NORWICH_PLAN)


def example_city() -> Plan:
    return Plan.objects.select_related("council").get(slug=EXAMPLE_CITY_PLAN)


def norwich_actions() -> list[Action]:
    return list(norwich().actions.order_by("order"))


def sheet_of(data: bytes):
    return load_workbook(io.BytesIO(data))["Actions"]


def column(name: str) -> int:
    return COLUMNS.index(name) + 1


@pytest.fixture
def formula_plan(plans_a) -> Plan:
    """A plan whose text would run as formulas if a spreadsheet were allowed to."""
    plan = plans_a["public"]
    title, commentary, description, outcomes, measures = FORMULA_TEXTS
    action = Action.objects.create(
        plan=plan,
        reference="-1",
        title=title,
        description=description,
        outcomes=outcomes,
        measures_text=measures,
        priority="Ordinary text - with a dash",
    )
    on_track = Status.objects.get(council=plan.council, label="On track")
    record_update(
        action,
        by=None,
        status=on_track,
        commentary=commentary,
        reported_on=datetime.date(2016, 1, 4),
    )
    return Plan.objects.select_related("council").get(pk=plan.pk)


# The row generator ------------------------------------------------------------------------


def test_plan_rows_give_headings_then_their_actions_in_plan_order():
    rows = list(plan_rows(norwich()))
    headings = [row for row in rows if isinstance(row, Heading)]
    assert headings == [Heading(1, text) for text in NORWICH_WORKSTREAMS]
    kinds = ["H" if isinstance(row, Heading) else "A" for row in rows]
    assert "".join(kinds) == "HAAAA" + "HAAA" + "HAAAA" + "HAAAAA" + "HA"
    first = rows[1]
    assert isinstance(first, ActionRow)
    assert list(first.values) == list(COLUMNS)
    assert first.values["Action"].startswith("Ensure a smooth transition to Universal Credit")
    assert first.values["Workstream"] == NORWICH_WORKSTREAMS[0]
    assert first.values["Lead"] == "Strategy, Housing"
    assert first.lead_departments == ["Strategy", "Housing"]
    assert first.values["Deadline date"] == datetime.date(2015, 12, 31)
    assert (first.values["Status"], first.values["RAG"], first.rag) == (
        "On target",
        "Green",
        "green",
    )


def test_nested_workstreams_are_level_two_headings_after_their_parent():
    headings = [row for row in plan_rows(example_city()) if isinstance(row, Heading)]
    assert len(headings) == 13  # 6 themes holding 7 objectives
    assert headings[0] == Heading(1, "Strategic Planning")
    assert headings[1].level == 2
    assert headings[1].text.startswith("Objective 1: To consider the needs of")
    assert [h.level for h in headings] == [1, 2, 1, 2, 2] + [1, 2] * 4


def test_actions_outside_workstreams_come_last_under_other_actions(plans_a):
    plan = plans_a["public"]
    ws = Workstream.objects.create(plan=plan, title="Jobs", order=1)
    Action.objects.create(plan=plan, title="Loose", order=1)
    Action.objects.create(plan=plan, workstream=ws, title="Jobs fair", order=2)
    rows = list(plan_rows(plan))
    assert [getattr(row, "text", None) or row.values["Action"] for row in rows] == [
        "Jobs",
        "Jobs fair",
        "Other actions",
        "Loose",
    ]
    assert rows[-1].values["Workstream"] is None


def test_a_plan_without_workstreams_has_no_headings(plans_a):
    plan = plans_a["public"]
    Action.objects.create(plan=plan, title="Only action")
    rows = list(plan_rows(plan))
    assert len(rows) == 1
    assert isinstance(rows[0], ActionRow)


def test_as_at_shows_what_had_been_reported_by_that_day():
    rows = list(plan_rows(norwich(), as_at=datetime.date(2015, 9, 30)))
    first, second = [row for row in rows if isinstance(row, ActionRow)][:2]
    assert first.values["Status"] == "Yet to start"
    assert first.values["Commentary"].startswith("Illustrative earlier update")
    assert first.values["Last updated"] == datetime.date(2015, 7, 14)
    assert (second.values["Status"], second.values["RAG"], second.rag) == (None, None, None)
    current = [row for row in plan_rows(norwich()) if isinstance(row, ActionRow)][0]
    assert current.values["Status"] == "On target"


def test_an_export_reads_the_history_not_copies_written_by_hand(plans_a, council_a):
    """Only a recorded update gives an action a status: a value put straight on the action
    (which only the services may write) is not what any page, export or paper shows."""
    plan = plans_a["public"]
    on_track = Status.objects.get(council=council_a, label="On track")
    Action.objects.create(plan=plan, title="Set by hand", status=on_track, percent_complete=40)
    (row,) = plan_rows(plan, as_at=datetime.date(2016, 6, 1))
    assert (row.values["Status"], row.values["% complete"]) == (None, None)


# Neutralising formulas --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r-2", "'\r-2"),
        ("  =1+1", "'  =1+1"),
        ("Plain text - with a dash", "Plain text - with a dash"),
        ("", ""),
        (None, None),
        (42, 42),
        (datetime.date(2016, 3, 31), datetime.date(2016, 3, 31)),
    ],
)
def test_neutralise_prefixes_formula_like_text_only(value, expected):
    assert neutralise(value) == expected


def test_xlsx_stores_formula_like_text_as_text(formula_plan):
    data = render_xlsx(formula_plan, as_at=datetime.date(2016, 6, 1))
    sheet = sheet_of(data)
    row = 6  # no workstreams: the action follows the header
    for name, text in zip(
        ["Action", "Commentary", "Description", "Outcomes", "Measures"], FORMULA_TEXTS, strict=True
    ):
        cell = sheet.cell(row=row, column=column(name))
        assert cell.data_type == "s", name
        assert cell.value == text  # as written: no apostrophe in a spreadsheet cell
    assert sheet.cell(row=row, column=column("Ref")).value == "-1"
    assert sheet.cell(row=row, column=column("Action")).quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_csv_prefixes_formula_like_text_with_an_apostrophe(formula_plan):
    (row,) = csv.DictReader(io.StringIO(render_csv(formula_plan).decode("utf-8-sig")))
    assert row["Ref"] == "'-1"
    assert row["Action"] == '\'=HYPERLINK("http://evil")'
    assert row["Commentary"] == "'+1"
    assert row["Description"] == "'-2"
    assert row["Outcomes"] == "'@SUM(A1)"
    assert row["Measures"] == "'\t=1+1"
    assert row["Priority"] == "Ordinary text - with a dash"


def test_json_keeps_text_exactly_as_written(formula_plan):
    (action,) = json.loads(render_json(formula_plan))["actions"]
    assert action["title"] == '=HYPERLINK("http://evil")'
    assert action["ref"] == "-1"


# XLSX -------------------------------------------------------------------------------------


@pytest.fixture
def norwich_sheet():
    return sheet_of(render_xlsx(norwich(), as_at=NORWICH_AS_AT))


def test_xlsx_has_title_date_and_licence_above_the_header(norwich_sheet):
    sheet = norwich_sheet
    assert sheet["A1"].value == "Reducing Inequalities Action Plan 2015-16"
    assert sheet["A1"].font.b and sheet["A1"].font.sz == 14
    assert sheet["A2"].value == "Norwich City Council – progress as at 20 October 2015"
    assert sheet["A3"].value == "Published under the Open Government Licence v3.0"
    assert sheet["A3"].hyperlink.target == LICENCE_URL
    assert LICENCE_URL in sheet["A3"].comment.text
    assert all(cell.value is None for cell in sheet[4])
    header = [cell.value for cell in sheet[5]]
    assert header == list(COLUMNS)
    assert all(cell.font.b for cell in sheet[5])
    assert sheet["A5"].fill.fgColor.rgb.endswith("D9D9D9")
    assert sheet.freeze_panes == "A6"
    assert sheet.auto_filter.ref == "A5:S27"
    assert sheet.max_row == 27


def test_xlsx_workbook_properties_and_sheets():
    workbook = load_workbook(io.BytesIO(render_xlsx(norwich(), as_at=NORWICH_AS_AT)))
    assert workbook.sheetnames == ["Actions", "Lists"]
    assert workbook.properties.title == "Reducing Inequalities Action Plan 2015-16"
    assert workbook.properties.creator == "Council action plans"
    assert workbook["Lists"].sheet_state == "hidden"


def test_xlsx_workstream_headings_are_bold_unmerged_rows(norwich_sheet):
    sheet = norwich_sheet
    assert [sheet.cell(row=r, column=1).value for r in NORWICH_HEADING_ROWS] == (
        NORWICH_WORKSTREAMS
    )
    # No merged cells anywhere: Excel cannot sort a filtered range that holds them.
    assert not sheet.merged_cells.ranges
    assert all(sheet.cell(row=r, column=2).value is None for r in NORWICH_HEADING_ROWS)
    assert all(sheet.cell(row=r, column=1).font.b for r in NORWICH_HEADING_ROWS)


def test_xlsx_action_rows_hold_the_plans_actions(norwich_sheet):
    sheet = norwich_sheet
    actions = norwich_actions()

    def values(name: str) -> list:
        return [sheet.cell(row=r, column=column(name)).value for r in NORWICH_ACTION_ROWS]

    assert values("Action") == [action.title for action in actions]
    assert values("Action ID") == [action.pk for action in actions]
    assert values("Lead")[0] == "Strategy, Housing"
    assert values("Lead")[2] == "Local Neighbourhood Services, Strategy, Housing, Strategic Housing"
    assert values("Deadline")[:4] == [
        "December 2015",
        "November 2015 onwards",
        "June 2015 onwards",
        "Dec 2015",
    ]
    assert values("Status")[:4] == ["On target", "Yet to start", "Ongoing", "Yet to start"]
    assert values("RAG")[:2] == ["Green", "Grey"]
    assert values("Status") == [action.status.label for action in actions]
    assert values("Workstream")[:5] == [NORWICH_WORKSTREAMS[0]] * 4 + [NORWICH_WORKSTREAMS[1]]
    # Real dates, shown the British way; an undated deadline stays empty.
    deadline = sheet.cell(row=7, column=column("Deadline date"))
    assert deadline.value == datetime.datetime(2015, 12, 31)
    assert deadline.number_format == "dd/mm/yyyy"
    external_funding = next(
        i for i, title in enumerate(values("Action")) if title.startswith("Maximising external")
    )
    assert values("Deadline")[external_funding] == "Ongoing"
    assert values("Deadline date")[external_funding] is None
    updated = sheet.cell(row=7, column=column("Last updated"))
    assert (updated.value, updated.number_format) == (datetime.datetime(2015, 10, 20), "dd/mm/yyyy")
    assert values("% complete")[1] == 0


def test_xlsx_columns_are_sized_wrapped_and_the_id_hidden(norwich_sheet):
    sheet = norwich_sheet
    widths = {name: sheet.column_dimensions[chr(64 + column(name))].width for name in COLUMNS}
    assert widths["Action"] == widths["Commentary"] == 60
    assert widths["Description"] == widths["Outcomes"] == widths["Measures"] == 50
    others = set(COLUMNS) - {"Action", "Commentary", "Description", "Outcomes", "Measures"}
    assert all(12 <= widths[name] <= 20 for name in others)
    assert sheet.column_dimensions["S"].hidden
    assert not sheet.column_dimensions["B"].hidden
    assert sheet.cell(row=7, column=column("Action")).alignment.wrap_text
    assert sheet.cell(row=7, column=column("Commentary")).alignment.wrap_text


# Pieces of text that exercise textwrap's rules: words, runs of spaces and words longer than
# a line (which rows are counted from without textwrap), and hyphens and dashes it may break
# after, tabs, other spaces and line breaks (which go to textwrap).
PLAIN_PIECES = ["a", "word", "council", "x" * 30, " ", "   ", "é", ".", "–", "•"]
OTHER_PIECES = ["-", "--", "well-being", "\t", "\u00a0", "\x1c", "\r", "\n"]


@settings(max_examples=1000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.lists(st.sampled_from(PLAIN_PIECES), max_size=80),
        st.lists(st.sampled_from(PLAIN_PIECES + OTHER_PIECES), max_size=80),
    ).map("".join),
    st.integers(1, 70),
)
def test_xlsx_row_heights_count_wrapped_lines_as_textwrap_does(text, width):
    """Rows are sized by counting lines without textwrap where that is safe; the count is
    still textwrap's (an empty line taking one)."""
    expected = sum(max(1, len(textwrap.wrap(line, width=width))) for line in text.split("\n"))
    assert wrapped_lines(text, width) == expected


def test_xlsx_status_column_offers_the_councils_words():
    workbook = load_workbook(io.BytesIO(render_xlsx(norwich(), as_at=NORWICH_AS_AT)))
    labels = list(norwich().council.statuses.values_list("label", flat=True))
    assert [cell.value for cell in workbook["Lists"]["A"]] == labels
    (validation,) = workbook["Actions"].data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == f"Lists!$A$1:$A${len(labels)}"
    assert validation.error == "Choose a status from the list"
    assert validation.showErrorMessage
    assert str(validation.sqref) == "I7:I10 I12:I14 I16:I19 I21:I25 I27"


def test_xlsx_status_colours_follow_the_status_word(norwich_sheet):
    formats = list(norwich_sheet.conditional_formatting)
    assert len(formats) == 1
    assert str(formats[0].sqref) == "I7:I10 I12:I14 I16:I19 I21:I25 I27"
    fills = {
        rule.formula[0]: rule.dxf.fill.fgColor.rgb[-6:]
        for rule in formats[0].rules
        if rule.type == "cellIs" and rule.operator == "equal"
    }
    assert fills == {
        '"On target"': "CCE2D8",
        '"Ongoing"': "CCE2D8",
        '"Due to start"': "E5E6E7",
        '"Yet to start"': "E5E6E7",
        '"Behind schedule"': "FFF2CC",
        '"Off track"': "F6D7D2",
        '"Complete"': "D2E2F1",
        '"Dropped"': "E5E6E7",
    }


def test_xlsx_status_list_copes_with_commas_and_quotes(plans_a, council_a):
    Status.objects.create(council=council_a, label='Achieved, or "on target"', rag="green")
    Action.objects.create(plan=plans_a["public"], title="Something")
    workbook = load_workbook(io.BytesIO(render_xlsx(plans_a["public"], as_at=NORWICH_AS_AT)))
    assert 'Achieved, or "on target"' in [cell.value for cell in workbook["Lists"]["A"]]
    rules = next(iter(workbook["Actions"].conditional_formatting)).rules
    assert '"Achieved, or ""on target"""' in [rule.formula[0] for rule in rules]


def test_xlsx_nested_workstreams_are_indented_italic_headings():
    sheet = sheet_of(render_xlsx(example_city(), as_at=NORWICH_AS_AT))
    assert sheet["A6"].value == "Strategic Planning"
    assert not sheet["A6"].font.i
    assert sheet["A7"].value.startswith("Objective 1: To consider")
    assert sheet["A7"].font.i and sheet["A7"].font.b
    assert sheet["A7"].alignment.indent == 2
    assert sheet["A8"].value == "1."


# CSV --------------------------------------------------------------------------------------


def test_csv_has_one_row_per_action_with_the_licence():
    data = render_csv(norwich())
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    header, *rows = list(reader)
    assert header == [*COLUMNS, "Licence"]
    assert len(rows) == 17
    assert {row[-1] for row in rows} == {LICENCE_NAME}
    first = dict(zip(header, rows[0], strict=True))
    assert first["Action"].startswith("Ensure a smooth transition to Universal Credit")
    assert first["Workstream"] == NORWICH_WORKSTREAMS[0]
    assert first["Lead"] == "Strategy, Housing"
    assert first["Deadline"] == "December 2015"
    assert first["Deadline date"] == "2015-12-31"
    assert first["Status"] == "On target"
    assert first["Action ID"] == str(norwich_actions()[0].pk)
    assert [row[header.index("Workstream")] for row in rows][-1] == "Delivery mechanisms"


# JSON -------------------------------------------------------------------------------------


def test_json_describes_licence_council_plan_and_counts():
    document = json.loads(render_json(norwich()).decode("utf-8"))
    assert document["licence"] == {"name": LICENCE_NAME, "url": LICENCE_URL}
    assert document["council"] == {"name": "Norwich City Council", "slug": "norwich"}
    plan = document["plan"]
    assert plan["title"] == "Reducing Inequalities Action Plan 2015-16"
    assert plan["slug"] == NORWICH_PLAN
    assert plan["approved_by"] == "Cabinet"
    assert plan["approved_on"] == "2015-11-04"
    assert plan["url"].endswith(f"/{NORWICH_PLAN}/")
    assert datetime.datetime.fromisoformat(document["generated_at"])
    assert [w["title"] for w in document["workstreams"]] == NORWICH_WORKSTREAMS
    assert len(document["actions"]) == 17
    first = document["actions"][0]
    assert first["lead_departments"] == ["Strategy", "Housing"]
    assert first["deadline"] == {
        "text": "December 2015",
        "date": "2015-12-31",
        "precision": "month",
        "overdue": True,
    }
    assert first["status"] == {"label": "On target", "rag": "green"}
    assert first["last_updated"] == "2015-10-20"
    assert first["workstream"] == NORWICH_WORKSTREAMS[0]
    assert first["id"] == norwich_actions()[0].pk


def test_json_gives_nested_workstreams_parents_and_equality_aims():
    data = render_json(example_city())
    assert "–".encode() in data  # UTF-8, not \u escapes
    document = json.loads(data)
    objective_1 = document["workstreams"][1]
    assert objective_1["reference"] == "Objective 1"
    assert objective_1["parent"] == "Strategic Planning"
    assert objective_1["name"].startswith("Objective 1: To consider")
    assert document["workstreams"][0]["parent"] is None
    action_13 = next(a for a in document["actions"] if a["ref"] == "13.")
    assert action_13["equality_duty_aims"] == ["advance", "foster"]
    assert action_13["workstream"].startswith("Objective 5:")
    ongoing = next(a for a in document["actions"] if a["ref"] == "5.")
    assert ongoing["deadline"]["text"] == "Ongoing"
    assert ongoing["deadline"]["precision"] == "ongoing"


# Formats, file names and the CLI ----------------------------------------------------------


def test_formats_have_content_types_and_file_names():
    plan = norwich()
    assert content_type("csv") == "text/csv; charset=utf-8"
    assert content_type("json") == "application/json"
    assert content_type("xlsx").endswith("spreadsheetml.sheet")
    assert export_filename(plan, "xlsx", as_at=NORWICH_AS_AT) == (
        "norwich-reducing-inequalities-2015-16-2015-10-20.xlsx"
    )
    assert export_filename(plan, "csv") == "norwich-reducing-inequalities-2015-16.csv"
    with pytest.raises(ValueError, match="pdf"):
        render(plan, "pdf")


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_cli_writes_each_format(tmp_path, fmt):
    out = tmp_path / f"plan.{fmt}"
    stdout = io.StringIO()
    call_command("export_plan", NORWICH_PLAN, format=fmt, out=str(out), stdout=stdout)
    assert stdout.getvalue().strip() == f"Wrote {out}: 17 actions, {fmt}"
    data = out.read_bytes()
    if fmt == "xlsx":
        assert sheet_of(data)["A1"].value == "Reducing Inequalities Action Plan 2015-16"
    elif fmt == "csv":
        assert len(data.decode("utf-8-sig").splitlines()) == 18
    else:
        assert len(json.loads(data)["actions"]) == 17


def test_cli_finds_a_plan_by_id_and_dates_the_spreadsheet(tmp_path):
    out = tmp_path / "plan.xlsx"
    plan_id = str(norwich().pk)
    call_command("export_plan", plan_id, "--as-at", "2015-10-20", format="xlsx", out=str(out))
    assert sheet_of(out.read_bytes())["A2"].value.endswith("as at 20 October 2015")


def test_cli_refuses_an_unknown_plan(tmp_path):
    with pytest.raises(CommandError, match="No plan has the id or slug 'no-such-plan'"):
        call_command("export_plan", "no-such-plan", format="csv", out=str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="No council"):
        call_command(
            "export_plan", NORWICH_PLAN, format="csv", out=str(tmp_path / "x.csv"), council="nope"
        )


def test_cli_refuses_an_unknown_format(tmp_path):
    with pytest.raises(CommandError, match="invalid choice: 'odt'"):
        call_command("export_plan", NORWICH_PLAN, format="odt", out=str(tmp_path / "x.odt"))


def test_cli_reports_an_unwritable_path(tmp_path):
    out = tmp_path / "missing-folder" / "plan.csv"
    with pytest.raises(CommandError, match="Could not write"):
        call_command("export_plan", NORWICH_PLAN, format="csv", out=str(out))


def test_cli_needs_the_council_when_a_slug_is_shared(council_a, tmp_path):
    make_plan(council_a, NORWICH_PLAN, title="Anytown's plan of the same name")
    out = tmp_path / "plan.json"
    with pytest.raises(CommandError, match="anytown, norwich.*--council"):
        call_command("export_plan", NORWICH_PLAN, format="json", out=str(out))
    call_command(
        "export_plan",
        NORWICH_PLAN,
        format="json",
        out=str(out),
        council="norwich",
        stdout=io.StringIO(),
    )
    assert json.loads(out.read_bytes())["council"]["slug"] == "norwich"


# Performance ------------------------------------------------------------------------------


def add_actions(plan: Plan, count: int, start: int = 0) -> None:
    """`count` actions spread over a plan's workstreams, each with two leads and a ward."""
    council = plan.council
    workstreams = list(plan.workstreams.all())
    statuses = list(council.statuses.all())
    departments = list(Department.objects.filter(council=council))
    wards = list(Ward.objects.filter(council=council))
    actions = Action.objects.bulk_create(
        Action(
            plan=plan,
            workstream=workstreams[i % len(workstreams)],
            title=f"Action {i}",
            order=i,
            status=statuses[i % len(statuses)],
            deadline_text="March 2016",
            deadline_date=datetime.date(2016, 3, 31),
            deadline_precision="month",
        )
        for i in range(start, start + count)
    )
    ActionLead.objects.bulk_create(
        ActionLead(action=action, department=department, order=n)
        for action in actions
        for n, department in enumerate(departments)
    )
    Action.wards.through.objects.bulk_create(
        Action.wards.through(action=action, ward=ward) for action in actions for ward in wards
    )


AS_AT = datetime.date(2016, 6, 1)
# Each export and the queries it may make: the plan's council and statuses, its workstreams,
# its actions, their leads and their wards, however many actions there are.
EXPORTS = {
    "rows": (lambda plan: list(plan_rows(plan)), 6),
    "rows as at": (lambda plan: list(plan_rows(plan, as_at=AS_AT)), 6),
    "xlsx": (lambda plan: render_xlsx(plan, as_at=AS_AT), 7),
    "csv": (render_csv, 6),
    "json": (render_json, 7),
}


@pytest.mark.parametrize("export", list(EXPORTS))
def test_export_queries_do_not_grow_with_actions(
    plans_a, council_a, export, django_assert_max_num_queries
):
    plan = plans_a["public"]
    parent = Workstream.objects.create(plan=plan, title="Parent", order=1)
    Workstream.objects.create(plan=plan, parent=parent, title="Child", order=2)
    Workstream.objects.create(plan=plan, title="Other", order=3)
    for name in ["Housing", "Strategy"]:
        Department.objects.create(council=council_a, name=name)
    Ward.objects.create(council=council_a, name="Lakenham")

    counts = []
    for size in (10, 300):
        add_actions(plan, size - plan.actions.count(), start=plan.actions.count())
        fresh = Plan.objects.get(pk=plan.pk)
        run, limit = EXPORTS[export]
        with django_assert_max_num_queries(limit) as queries:
            run(fresh)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    rows = [row for row in plan_rows(plan) if isinstance(row, ActionRow)]
    assert len(rows) == 300
    assert rows[0].values["Lead"] == "Housing, Strategy"
    assert rows[0].values["Wards"] == "Lakenham"
