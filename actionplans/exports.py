"""A plan's actions as a spreadsheet (XLSX), CSV or JSON open data.

One row generator, plan_rows(), decides what an export says; the renderers only lay its rows
out (the shape of pretix's base/exporter.py), so the three formats cannot disagree. Every
export carries the Open Government Licence, and no cell text can run as a formula in a
spreadsheet program."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.dimensions import RowDimension

from actionplans.models import ActionLead, EqualityAim, OutlineNode, Plan, plan_outline
from actionplans.state import ActionState, plan_states
from councils.models import Rag, Status, Ward

COLUMNS: tuple[str, ...] = (
    "Ref",
    "Action",
    "Workstream",
    "Lead",
    "Lead officer",
    "Deadline",
    "Deadline date",
    "Overdue",
    "Status",
    "RAG",
    "% complete",
    "Commentary",
    "Last updated",
    "Description",
    "Outcomes",
    "Measures",
    "Priority",
    "Wards",
    "Action ID",
)

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
OTHER_ACTIONS = "Other actions"
CREATOR = "Council action plans"

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
FORMATS: tuple[str, ...] = tuple(CONTENT_TYPES)

Value = str | int | datetime.date | None


@dataclass(frozen=True)
class Heading:
    """A workstream's name above its actions; level 2 for a workstream nested in another."""

    level: int
    text: str


@dataclass(frozen=True)
class ActionRow:
    """One action: a value for each of COLUMNS, plus what the flat columns join or word for
    people (leads, wards, RAG) kept as data for JSON."""

    values: dict[str, Value]
    lead_departments: list[str]
    wards: list[str]
    equality_aims: list[str]
    deadline_precision: str
    rag: str | None
    is_overdue: bool = False


Row = Heading | ActionRow


def plan_rows(
    plan: Plan,
    *,
    as_at: datetime.date | None = None,
    statuses: dict[int, Status] | None = None,
) -> Iterator[Row]:
    """The plan as printed: each workstream's heading followed by its actions, nested
    workstreams after their parent's own actions, and actions outside any workstream last
    (under "Other actions" if the plan has workstreams at all).

    Each action's status, % complete, commentary, deadline and overdue mark are its state on
    `as_at` (today unless given), from the read model (actionplans.state), as the plan's
    page and its Cabinet appendix show them. `statuses` (the council's, by id) saves their
    query when the caller has them. Five queries, or four with `statuses`, whatever the
    size of the plan. The actions are read on their own (actionplans.state.plan_states) and
    their lead departments and wards as names: reading them as model instances, each action
    with its own copy of the plan, council and workstream, took three quarters of the time."""
    day = as_at or timezone.localdate()
    rows = plan_states(plan, day, statuses=statuses)
    # In the order Action.ordered_leads() gives (ActionLead's ordering) and action.wards.all()
    # (Ward's), grouped by action.
    leads = _names_by_action(
        ActionLead.objects.filter(action__plan=plan).values_list("action_id", "department__name")
    )
    wards = _names_by_action(Ward.objects.filter(actions__plan=plan).values_list("actions", "name"))
    outline = plan_outline(plan, [state.action for state in rows])
    has_workstreams = any(node.workstream is not None for node in outline)
    for node in outline:
        yield from _node_rows(node, 1, has_workstreams, leads, wards)


def _names_by_action(pairs: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for action_id, name in pairs:
        names.setdefault(action_id, []).append(name)
    return names


def _node_rows(
    node: OutlineNode,
    level: int,
    has_workstreams: bool,
    leads: dict[int, list[str]],
    wards: dict[int, list[str]],
) -> Iterator[Row]:
    if node.workstream is not None:
        yield Heading(level, str(node.workstream))
    elif has_workstreams:
        yield Heading(level, OTHER_ACTIONS)
    workstream = str(node.workstream) if node.workstream is not None else None
    for action in node.actions:
        yield _action_row(
            action.state, workstream, leads.get(action.pk, []), wards.get(action.pk, [])
        )
    for child in node.children:
        yield from _node_rows(child, level + 1, has_workstreams, leads, wards)


# The RAG words, looked up once rather than a dict built for every row.
RAG_LABELS = dict(Rag.choices)


def _action_row(
    state: ActionState, workstream: str | None, leads: list[str], wards: list[str]
) -> ActionRow:
    action = state.action
    status = state.status
    aims = [
        aim.value
        for served, aim in [
            (action.serves_eliminate_discrimination, EqualityAim.ELIMINATE),
            (action.serves_advance_equality, EqualityAim.ADVANCE),
            (action.serves_foster_relations, EqualityAim.FOSTER),
        ]
        if served
    ]
    rag = state.rag
    values: dict[str, Value] = {
        "Ref": action.reference,
        "Action": action.title,
        "Workstream": workstream,
        "Lead": ", ".join(leads),
        "Lead officer": action.lead_officer_title,
        "Deadline": state.deadline_text,
        "Deadline date": state.deadline_date,
        "Overdue": "Overdue" if state.is_overdue else None,
        "Status": status.label if status is not None else None,
        "RAG": RAG_LABELS.get(rag, rag) if rag else None,
        "% complete": state.percent,
        "Commentary": state.commentary,
        "Last updated": state.reported_on,
        "Description": action.description,
        "Outcomes": action.outcomes,
        "Measures": action.measures_text,
        "Priority": action.priority,
        "Wards": ", ".join(wards),
        "Action ID": action.pk,
    }
    return ActionRow(
        values=values,
        lead_departments=leads,
        wards=wards,
        equality_aims=aims,
        deadline_precision=state.deadline_precision,
        rag=rag,
        is_overdue=state.is_overdue,
    )


# Spreadsheet programs run a cell that starts with one of these as a formula (OWASP's CSV
# injection list); leading whitespace does not stop some of them.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS) or text.lstrip(" \t\r\n").startswith(FORMULA_TRIGGERS)


def neutralise(value: Value) -> Value:
    """For CSV: text a spreadsheet would run as a formula gets a leading apostrophe, which
    Excel and LibreOffice read as "this is text". Anything else is returned unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def export_filename(plan: Plan, fmt: str, *, as_at: datetime.date | None = None) -> str:
    """e.g. norwich-reducing-inequalities-2015-16-2015-10-20.xlsx."""
    dated = f"-{as_at.isoformat()}" if as_at is not None else ""
    return f"{plan.council.slug}-{plan.slug}{dated}.{fmt}"


def content_type(fmt: str) -> str:
    return CONTENT_TYPES[fmt]


def render(plan: Plan, fmt: str, *, as_at: datetime.date | None = None) -> bytes:
    """The plan in one of FORMATS. A spreadsheet always states its date, so XLSX without
    `as_at` is as at today."""
    if fmt == "xlsx":
        return render_xlsx(plan, as_at=as_at or timezone.localdate())
    if fmt == "csv":
        return render_csv(plan, as_at=as_at)
    if fmt == "json":
        return render_json(plan, as_at=as_at)
    raise ValueError(f"Unknown export format {fmt!r}; choose from {', '.join(FORMATS)}.")


# XLSX -------------------------------------------------------------------------------------

HEADER_ROW = 5
FIRST_DATA_ROW = HEADER_ROW + 1
DATE_FORMAT = "dd/mm/yyyy"
RAG_TINTS = {
    Rag.RED: "FFF6D7D2",
    Rag.AMBER: "FFFFF2CC",
    Rag.GREEN: "FFCCE2D8",
    Rag.BLUE: "FFD2E2F1",
    Rag.GREY: "FFE5E6E7",
}
HEADER_FILL = PatternFill(fill_type="solid", start_color="FFD9D9D9", end_color="FFD9D9D9")
WIDTHS = {
    "Ref": 12,
    "Action": 60,
    "Workstream": 20,
    "Lead": 20,
    "Lead officer": 20,
    "Deadline": 18,
    "Deadline date": 13,
    "Overdue": 12,
    "Status": 18,
    "RAG": 12,
    "% complete": 12,
    "Commentary": 60,
    "Last updated": 13,
    "Description": 50,
    "Outcomes": 50,
    "Measures": 50,
    "Priority": 20,
    "Wards": 20,
    "Action ID": 12,
}
TOP_WRAP = Alignment(vertical="top", wrap_text=True)
TOP_NOWRAP = Alignment(vertical="top", wrap_text=False)
UNWRAPPED = {"Deadline date", "Overdue", "% complete", "Last updated", "Action ID"}
STATUS_COLUMN = get_column_letter(COLUMNS.index("Status") + 1)
ID_COLUMN = get_column_letter(COLUMNS.index("Action ID") + 1)
# An action row is as tall as its longest wrapped cell needs, up to MAX_LINES lines.
LINE_HEIGHT = 15  # points
MAX_LINES = 20
# The most text a cell can hold (Excel's limit, to which openpyxl cuts longer text).
MAX_CELL_TEXT = 32767


def render_xlsx(plan: Plan, *, as_at: datetime.date) -> bytes:
    """The plan as an Excel workbook for people to read, filter and edit: title, date and
    licence above a frozen header row, workstream headings between the actions, and a Status
    drop-down of the council's words that re-colours when a status is changed.

    The workbook is written as it is built (openpyxl's write-only mode), its action rows
    from cells styled once per column and reused (_ActionCells): a 10,000-action plan is
    190,000 cells, and keeping each as an object with its own style, as a normal openpyxl
    workbook does, took several times as long as writing the file."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = plan.title
    workbook.properties.creator = CREATOR
    sheet = _CellRowsSheet(parent=workbook, title="Actions")
    workbook._add_sheet(sheet)
    # A write-only sheet goes into the file as it is written, so what the file holds before
    # the rows (column widths, the frozen header, fit to page) is set first.
    for column, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS[name]
    # Kept, hidden, so an edited copy can be matched back to its actions.
    sheet.column_dimensions[ID_COLUMN].hidden = True
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    title = _text_cell(sheet, 1, plan.title)
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    sheet.append([_text_cell(sheet, 1, f"{plan.council.name} – progress as at {_long(as_at)}")])
    licence = _text_cell(sheet, 1, f"Published under the {LICENCE_NAME}")
    licence.hyperlink = LICENCE_URL
    licence.style = "Hyperlink"
    licence.comment = Comment(LICENCE_URL, CREATOR)
    sheet.append([licence])
    sheet.append([])
    header = []
    for column, name in enumerate(COLUMNS, start=1):
        cell = _text_cell(sheet, column, name)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = TOP_WRAP
        header.append(cell)
    sheet.append(header)

    statuses = list(plan.council.statuses.all())
    cells = _ActionCells(sheet)
    row = HEADER_ROW
    action_rows: list[int] = []
    for item in plan_rows(plan, as_at=as_at, statuses={s.pk: s for s in statuses}):
        row += 1
        if isinstance(item, Heading):
            sheet.append(cells.heading(item))
        else:
            # Spreadsheet programs do not all grow a row to fit wrapped text when they open
            # a file, so the row is given the height its longest wrapped cell needs.
            action, lines = cells.action(item)
            sheet.row_dimensions[row] = cells.height(lines)
            sheet.append(action)
            action_rows.append(row)

    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{row}"
    if action_rows and statuses:
        _add_status_choices(workbook, sheet, statuses, _status_ranges(action_rows))

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _CellRowsSheet(WriteOnlyWorksheet):
    """A write-only worksheet whose append() takes a row of cells, each already in its
    column, and writes them as they are. openpyxl's own append() tries every item as a
    value first (an exception for each cell) and makes a new cell after each styled one,
    which cost more than writing the cells. (This replaces a private method of openpyxl
    3.1's WriteOnlyWorksheet, as render_xlsx uses Workbook._add_sheet to add it; the export
    tests read every detail of the file back, so a change in openpyxl would show there.)"""

    def _values_to_row(self, cells: list[Cell], row_idx: int) -> list[Cell]:
        for cell in cells:
            cell.row = row_idx
            if cell.hyperlink is not None:
                cell.hyperlink.ref = cell.coordinate
        return cells


def _text_cell(sheet: WriteOnlyWorksheet, column: int, value: Value) -> Cell:
    cell = WriteOnlyCell(sheet)
    cell.column = column
    write_cell(cell, value)
    return cell


class _StyledCell(Cell):
    """A cell of one style, written for row after row with different values. Its style is
    set when it is made, so its number in the workbook's list of styles is found once (when
    it is first written: a style never used is not in the file), not each time."""

    __slots__ = ("_style_number", "_styled")

    def __init__(self, sheet: WriteOnlyWorksheet, column: int, **style) -> None:
        super().__init__(sheet, row=1, column=column)
        for name, value in style.items():
            setattr(self, name, value)
        self._style_number: int | None = None
        self._styled = super().has_style

    @property
    def style_id(self) -> int:
        if self._style_number is None:
            self._style_number = super().style_id
        return self._style_number

    @property
    def has_style(self) -> bool:
        return self._styled


class _ActionCells:
    """The cells of the sheet's headings and action rows, made and styled once and given
    each row's values in turn (a row is written before the next is made): assigning a style
    to a cell looks it up in the workbook's list of styles, which over 190,000 cells cost
    seconds. Each column has a cell for text, for text that looks like a formula (kept as
    text, with Excel's quote prefix, as write_cell does) and for dates.

    Every cell of an action row is written, aligned to the top and wrapped unless its
    column is in UNWRAPPED, whether or not it holds anything, so text typed into an empty
    cell lines up with the rest."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self.sheet = sheet
        self.heights: dict[int, RowDimension] = {}
        self.columns = []
        for column, name in enumerate(COLUMNS, start=1):
            wraps = name not in UNWRAPPED
            alignment = TOP_WRAP if wraps else TOP_NOWRAP
            self.columns.append(
                (
                    name,
                    WIDTHS[name] if wraps else 0,  # 0: not wrapped, so no taller for its text
                    _StyledCell(sheet, column, alignment=alignment),
                    _StyledCell(sheet, column, alignment=alignment, quotePrefix=True),
                    _StyledCell(sheet, column, alignment=alignment, number_format=DATE_FORMAT),
                    {},  # lines of the column's texts, as worked out: workstreams and leads repeat
                )
            )
        # Not merged across the row: Excel refuses to sort a filtered range holding merged
        # cells, and officers sort. The heading text simply runs on over the empty cells.
        self.headings = {}
        for nested in (False, True):
            style = {
                "font": Font(bold=True, italic=nested),
                "alignment": Alignment(vertical="top", indent=2 if nested else 0),
            }
            self.headings[nested] = (
                _StyledCell(sheet, 1, **style),
                _StyledCell(sheet, 1, **style, quotePrefix=True),
            )

    def heading(self, heading: Heading) -> list[Cell]:
        plain, quoted = self.headings[heading.level > 1]
        return [self._put(plain, quoted, heading.text)]

    def action(self, item: ActionRow) -> tuple[list[Cell], int]:
        """The row's cells, and how many lines (at most MAX_LINES) its tallest cell needs."""
        values = item.values
        cells = []
        lines = 1
        for name, width, plain, quoted, dated, wrapped in self.columns:
            value = values[name]
            if isinstance(value, str):
                cells.append(self._put(plain, quoted, value))
                if width and lines < MAX_LINES:
                    needs = wrapped.get(value)
                    if needs is None:
                        needs = wrapped[value] = _wrapped_lines(value, width)
                    lines = max(lines, needs)
            elif isinstance(value, datetime.date):
                dated._value = value
                dated.data_type = "d"  # shown as DATE_FORMAT, the cell's number format
                cells.append(dated)
            elif value is None or type(value) is int:
                plain._value = value
                plain.data_type = "n"
                cells.append(plain)
            else:
                plain.value = value
                cells.append(plain)
        return cells, min(lines, MAX_LINES)

    def height(self, lines: int) -> RowDimension:
        """The height of an action row of `lines` lines: one RowDimension for each height,
        shared by the rows of that height (only the height goes into the file)."""
        if lines not in self.heights:
            self.heights[lines] = RowDimension(self.sheet, ht=lines * LINE_HEIGHT)
        return self.heights[lines]

    @staticmethod
    def _put(plain: Cell, quoted: Cell, text: str) -> Cell:
        """Text into a cell as write_cell puts it: as text, never a formula, and with the
        characters openpyxl refuses (control characters pasted from PDFs) taken out."""
        if not text:
            plain._value = None
            plain.data_type = "n"
            return plain
        cell = quoted if is_formula_like(text) else plain
        # Set directly: openpyxl's value setter would scan the text again for control
        # characters and take text starting with "=" for a formula.
        cell._value = ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_TEXT]
        cell.data_type = "s"
        return cell


def write_cell(cell: Cell, value: Value) -> None:
    """Put a value in a cell: text always as text, never a formula, whatever it starts with;
    dates as real dates."""
    if isinstance(value, str):
        if not value:
            return
        # openpyxl refuses control characters, which text pasted from PDFs sometimes holds.
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
        if is_formula_like(value):
            # So the text stays text if someone edits the cell in Excel.
            cell.quotePrefix = True
    elif isinstance(value, datetime.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:
        cell.value = value


def _wrapped_lines(text: str, width: int) -> int:
    """How many lines `text` wraps to, word by word, in a column `width` characters wide:
    what textwrap.wrap() makes of each of its lines (an empty line still takes one)."""
    if len(text) <= width and "\t" not in text:  # every line fits
        return text.count("\n") + 1
    return sum(_line_count(line, max(width, 1)) for line in text.split("\n"))


SPACES = re.compile("( +)")


def _line_count(line: str, width: int) -> int:
    """len(textwrap.wrap(line, width)), at least 1, without textwrap for most lines: it took
    a quarter of the export's time. A line that fits is one line (unless a tab widens it).
    A line whose only whitespace is spaces and which has no hyphens, textwrap splits into
    words and runs of spaces, and lays them out greedily as below; anything else (hyphens,
    which textwrap may break after, tabs, other spaces) goes to textwrap itself."""
    if len(line) <= width and "\t" not in line:
        return 1
    if "-" in line or not line.isprintable():
        return max(1, len(textwrap.wrap(line, width=width)))
    chunks = [chunk for chunk in SPACES.split(line) if chunk]
    lines = 0
    i, count = 0, len(chunks)
    while i < count:
        # textwrap drops the whitespace a line would start with, but not the text's own.
        if lines and chunks[i][0] == " ":
            i += 1
        used = on_line = 0
        last = ""
        while i < count and used + len(chunks[i]) <= width:
            last = chunks[i]
            used += len(last)
            on_line += 1
            i += 1
        if i < count and len(chunks[i]) > width:
            # A word longer than the line: what fits goes on this line, the rest on the next.
            last, chunks[i] = chunks[i][: width - used], chunks[i][width - used :]
            on_line += 1
        if on_line and not last.strip():  # a line's trailing whitespace goes too
            on_line -= 1
        if on_line:
            lines += 1
    return max(1, lines)


def _status_ranges(rows: list[int]) -> str:
    """The Status cells of the action rows, as runs between headings: "H7:H10 H12:H14"."""
    runs: list[list[int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    return " ".join(f"{STATUS_COLUMN}{first}:{STATUS_COLUMN}{last}" for first, last in runs)


def _add_status_choices(
    workbook: Workbook, sheet: WriteOnlyWorksheet, statuses: list[Status], ranges: str
) -> None:
    # The drop-down reads its words from a hidden sheet: a list typed into the rule itself
    # would split a label such as "Achieved, or on target" at its comma.
    lists = workbook.create_sheet("Lists")
    lists.sheet_state = "hidden"
    for status in statuses:
        lists.append([_text_cell(lists, 1, status.label)])
    choices = DataValidation(
        type="list",
        formula1=f"Lists!$A$1:$A${len(statuses)}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Status",
        error="Choose a status from the list",
    )
    choices.sqref = MultiCellRange(ranges)
    sheet.data_validations.append(choices)
    # Conditional rather than fixed fills, so a status changed in the sheet re-colours.
    for status in statuses:
        tint = RAG_TINTS.get(status.rag, RAG_TINTS[Rag.GREY])
        sheet.conditional_formatting.add(
            ranges,
            CellIsRule(
                operator="equal",
                formula=[_excel_text(status.label)],
                fill=PatternFill(fill_type="solid", start_color=tint, end_color=tint),
            ),
        )


def _excel_text(text: str) -> str:
    """A string literal for an Excel formula."""
    return '"' + text.replace('"', '""') + '"'


def _long(day: datetime.date) -> str:
    """20 October 2015, the way a council paper writes a date."""
    return f"{day.day} {day:%B %Y}"


# CSV --------------------------------------------------------------------------------------


def render_csv(plan: Plan, *, as_at: datetime.date | None = None) -> bytes:
    """One row per action, its workstream in a column rather than as a heading row, each
    row naming the licence. UTF-8 with a byte-order mark, without which Excel misreads
    anything beyond ASCII ("–", "£")."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*COLUMNS, "Licence"])
    for item in _action_rows(plan_rows(plan, as_at=as_at)):
        writer.writerow([*(_csv_text(item.values[name]) for name in COLUMNS), LICENCE_NAME])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(neutralise(value))


# JSON -------------------------------------------------------------------------------------


def render_json(plan: Plan, *, as_at: datetime.date | None = None) -> bytes:
    """The plan as open data: licence, council, plan, workstreams and actions, dates as ISO
    strings. A workstream's parent and an action's workstream are given by the workstream's
    name as printed ("Objective 1: To consider…"), which each workstream also lists."""
    council = plan.council
    workstreams = plan.workstreams.select_related("parent")
    document = {
        "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
        "council": {"name": council.name, "slug": council.slug},
        "plan": {
            "title": plan.title,
            "slug": plan.slug,
            "period_start": _iso(plan.period_start),
            "period_end": _iso(plan.period_end),
            "approved_by": plan.approved_by.name if plan.approved_by else None,
            "approved_on": _iso(plan.approved_on),
            "url": settings.SITE_URL + plan.get_absolute_url(),
        },
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "as_at": _iso(as_at),
        "workstreams": [
            {
                "name": str(workstream),
                "reference": workstream.reference,
                "title": workstream.title,
                "parent": str(workstream.parent) if workstream.parent else None,
            }
            for workstream in workstreams
        ],
        "actions": [_json_action(item) for item in _action_rows(plan_rows(plan, as_at=as_at))],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def _json_action(item: ActionRow) -> dict:
    values = item.values
    status = {"label": values["Status"], "rag": item.rag} if values["Status"] else None
    return {
        "ref": values["Ref"],
        "title": values["Action"],
        "workstream": values["Workstream"],
        "lead_departments": item.lead_departments,
        "lead_officer": values["Lead officer"],
        "deadline": {
            "text": values["Deadline"],
            "date": _iso(values["Deadline date"]),
            "precision": item.deadline_precision,
            "overdue": item.is_overdue,
        },
        "status": status,
        "percent_complete": values["% complete"],
        "commentary": values["Commentary"],
        "last_updated": _iso(values["Last updated"]),
        "description": values["Description"],
        "outcomes": values["Outcomes"],
        "measures": values["Measures"],
        "priority": values["Priority"],
        "wards": item.wards,
        "equality_duty_aims": item.equality_aims,
        "id": values["Action ID"],
    }


def _iso(day: Value) -> str | None:
    return day.isoformat() if isinstance(day, datetime.date) else None


def _action_rows(rows: Iterable[Row]) -> Iterator[ActionRow]:
    return (row for row in rows if isinstance(row, ActionRow))


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def new_sheet(title: str, sheet_title: str, columns: list[tuple[str, int]], freeze: str):
    """A workbook whose first sheet has a bold, shaded header row of `columns` (name, width)
    and frozen panes at `freeze`: the start of every list export."""
    workbook = Workbook()
    workbook.properties.title = title
    workbook.properties.creator = CREATOR
    sheet = workbook.active
    sheet.title = sheet_title
    for column, (name, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=column)
        write_cell(cell, name)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = freeze
    return workbook, sheet


def xlsx_download(data: bytes, council, what: str):
    """An Excel file as a download named after the council (None: across councils), what
    it holds and today."""
    response = HttpResponse(data, content_type=XLSX_TYPE)
    prefix = council.slug if council is not None else "all-councils"
    filename = f"{prefix}-{what}-{timezone.localdate():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
