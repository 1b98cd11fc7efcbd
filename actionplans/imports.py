"""Import action plans from the spreadsheets councils keep them in (.xlsx or CSV).

Council plans reach a spreadsheet as committee-paper tables: a title block, the header row
repeated at every page break, workstream headings as rows with one cell filled, status cells
mixing a status word with a note ("Ongoing, Jobs Fair delivered…"), one cell naming several
lead departments. The import runs in steps a person can check before anything is saved:

1. read_table(): bytes -> rows of plain cell values. Refuses what is not a spreadsheet, is
   too big, is a zip bomb or holds formulas (we store what people see, not what Excel would
   compute).
2. find_header(): which row is the header and which column holds which field.
3. parse_plan(): rows -> workstreams and actions, listing what could not be read: unknown
   status words (for a person to map), skipped rows, unreadable cells.
4. create_plan() for a new plan, or plan_changes() + apply_changes() for an edited copy of an
   exported plan. One transaction each, all or nothing; statuses go through
   services.record_update(), the one write path for progress.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePath
from xml.etree.ElementTree import ParseError

import openpyxl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from actionplans.deadlines import ParsedDeadline, Precision, parse_deadline
from actionplans.models import Action, ActionLead, Plan, ProgressUpdate, Workstream
from actionplans.services import UpdateConflict, record_update
from councils.models import Council, Department, Status, User, Ward

__all__ = [
    "ActionChange",
    "Header",
    "ImportProblem",
    "Limits",
    "ParsedAction",
    "ParsedPlan",
    "ParsedWorkstream",
    "Row",
    "Table",
    "apply_changes",
    "create_plan",
    "find_header",
    "normalise_header",
    "parse_plan",
    "plan_changes",
    "read_table",
]


class ImportProblem(Exception):
    """Why a spreadsheet cannot be imported, worded for the person who uploaded it.

    `row` is the spreadsheet's 1-based row number and `column` its letter, when the problem
    sits in one place. A problem combining several lists them in `problems`."""

    def __init__(
        self,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        problems: list[ImportProblem] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column
        self.problems = problems if problems is not None else [self]

    @classmethod
    def at(cls, row: int, column: str | None, text: str) -> ImportProblem:
        """A problem in one cell (or one row): "Row 12, column F: <text>"."""
        where = f"Row {row}, column {column}" if column else f"Row {row}"
        return cls(f"{where}: {text}", row=row, column=column)

    @classmethod
    def combine(cls, intro: str, problems: list[ImportProblem]) -> ImportProblem:
        lines = [intro, *(f"- {problem.message}" for problem in problems)]
        first = problems[0]
        return cls("\n".join(lines), row=first.row, column=first.column, problems=problems)


@dataclass(frozen=True)
class Limits:
    """What an upload may be. Generous for any real plan; small enough that a hostile file
    cannot take the server's memory or time."""

    max_bytes: int = 10 * 1024 * 1024
    max_rows: int = 5000
    max_columns: int = 60
    max_unzipped_bytes: int = 100 * 1024 * 1024
    max_ratio: int = 100


DEFAULT_LIMITS = Limits()

NOT_A_SPREADSHEET = (
    "This is not an Excel (.xlsx) or CSV file. Save the spreadsheet as an Excel Workbook "
    "(.xlsx) or as CSV and upload that."
)
PROTECTED_OR_XLS = (
    "This file is password-protected, or the old .xls format: save it as .xlsx without a "
    "password and upload that."
)
DAMAGED = (
    "This Excel file is damaged and cannot be read. Open it in Excel, save a new copy as "
    "Excel Workbook (.xlsx) and upload that."
)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# What openpyxl raises on a package that is a zip but not a sound workbook.
_BROKEN_WORKBOOK = (
    zipfile.BadZipFile,
    InvalidFileException,
    KeyError,
    ValueError,
    TypeError,
    OSError,
    EOFError,
    ParseError,
    zlib.error,
)
_BINARY_MAGIC = (b"PK", b"\x89PNG", b"%PDF", b"GIF8", b"\xff\xd8\xff")


# Reading a file into a table ------------------------------------------------------------

Cell = str | datetime.date | None


@dataclass
class Row:
    """One spreadsheet row: its 1-based number and its cells (str, date or None), all rows
    of a table padded to the same width."""

    number: int
    cells: list[Cell]

    def filled(self) -> list[tuple[int, str | datetime.date]]:
        return [(index, value) for index, value in enumerate(self.cells) if value is not None]

    def get(self, index: int | None) -> Cell:
        if index is None or index >= len(self.cells):
            return None
        return self.cells[index]


@dataclass
class Table:
    rows: list[Row]
    sheet: str
    notes: list[str] = field(default_factory=list)


def read_table(
    data: bytes, filename: str, *, sheet: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Table:
    """The rows of an uploaded .xlsx or .csv as plain values; ImportProblem says why not."""
    if _file_kind(data, filename, limits) == "csv":
        table = _read_csv(data, limits)
        if sheet:
            table.notes.append(
                f"A CSV file has one sheet, so the sheet name {sheet!r} was ignored."
            )
        return table
    return _read_xlsx(data, sheet, limits)


def _file_kind(data: bytes, filename: str, limits: Limits) -> str:
    if len(data) > limits.max_bytes:
        raise ImportProblem(
            f"The file is {_size(len(data))}; the limit is {_size(limits.max_bytes)}. "
            "Split the plan into smaller files."
        )
    if not data:
        raise ImportProblem("The file is empty.")
    extension = PurePath(filename).suffix.lower()
    if data.startswith(OLE2_MAGIC) or extension == ".xls":
        raise ImportProblem(PROTECTED_OR_XLS)
    if extension == ".xlsx" and data.startswith(b"PK"):
        return "xlsx"
    if extension == ".csv" and not _looks_binary(data):
        return "csv"
    raise ImportProblem(NOT_A_SPREADSHEET)


def _looks_binary(data: bytes) -> bool:
    """A known binary format, or control bytes all through (UTF-16, or not text at all). A
    stray NUL in a text file is removed from its cell instead (_RowCollector)."""
    sample = data[:8192]
    controls = sum(1 for byte in sample if byte < 9 or 13 < byte < 32)
    return data.startswith(_BINARY_MAGIC) or controls > max(1, len(sample) // 100)


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MB"
    if count >= 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count} bytes"


# Control characters have no place in a plan, and PostgreSQL cannot store NUL at all: they
# are removed from every cell, and the preview names the cells. Tab and line breaks stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class _RowCollector:
    """Keeps rows up to the last one with content, enforcing the row and column limits, and
    removes control characters from every cell (`stripped` lists where)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.rows: list[Row] = []
        self.count = 0  # rows with content; blank rows cost nothing
        self.width = 0
        self.stripped: list[str] = []

    def add(self, number: int, cells: list[Cell]) -> None:
        for index, value in enumerate(cells):
            if isinstance(value, str) and _CONTROL.search(value):
                cells[index] = _CONTROL.sub("", value).strip() or None
                self.stripped.append(f"row {number}, column {get_column_letter(index + 1)}")
        while cells and cells[-1] is None:
            cells.pop()
        if len(cells) > self.limits.max_columns:
            raise ImportProblem(
                f"Row {number} has content in column {get_column_letter(len(cells))}; the "
                f"limit is {self.limits.max_columns} columns (up to column "
                f"{get_column_letter(self.limits.max_columns)}).",
                row=number,
                column=get_column_letter(len(cells)),
            )
        self.count += bool(cells)
        if self.count <= self.limits.max_rows:
            self.rows.append(Row(number, cells))
            self.width = max(self.width, len(cells))

    def finish(self, empty_message: str) -> list[Row]:
        if self.count > self.limits.max_rows:
            raise ImportProblem(
                f"The sheet has {self.count:,} rows; the limit is {self.limits.max_rows:,} "
                "rows. Split the plan into smaller files."
            )
        while self.rows and not self.rows[-1].cells:
            self.rows.pop()
        if not self.rows:
            raise ImportProblem(empty_message)
        for row in self.rows:
            row.cells += [None] * (self.width - len(row.cells))
        return self.rows

    def notes(self) -> list[str]:
        if not self.stripped:
            return []
        shown = "; ".join(self.stripped[:10])
        more = f"; and {len(self.stripped) - 10} more" if len(self.stripped) > 10 else ""
        count = len(self.stripped)
        return [
            f"Removed hidden control characters (such as NUL), which cannot be stored, from "
            f"{count} cell{'s' if count != 1 else ''}: {shown}{more}. Check those cells read "
            "as they should."
        ]


def _clean_text(text: str) -> str | None:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    # Exports put an apostrophe before text a spreadsheet would run as a formula.
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text or None


def _formula_problem(row: int, column: int, formula: str) -> ImportProblem:
    letter = get_column_letter(column + 1)
    shown = formula if len(formula) <= 60 else formula[:57] + "..."
    return ImportProblem(
        f"Row {row}, column {letter} holds a formula ({shown}). Save a copy with values only "
        "(Paste Special > Values) and upload that.",
        row=row,
        column=letter,
    )


# CSV ----------------------------------------------------------------------------------


def _read_csv(data: bytes, limits: Limits) -> Table:
    text, notes = _decode(data)
    delimiter = _sniff_delimiter(text)
    if delimiter != ",":
        notes.append(f"Columns were separated by {'semicolons' if delimiter == ';' else 'tabs'}.")
    collector = _RowCollector(limits)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, values in enumerate(reader, start=1):
            collector.add(number, [_csv_cell(value, number, i) for i, value in enumerate(values)])
    except csv.Error as exc:
        raise ImportProblem(f"The CSV file cannot be read ({exc}).") from exc
    rows = collector.finish("The file is empty.")
    return Table(rows, sheet="CSV", notes=notes + collector.notes())


def _decode(data: bytes) -> tuple[str, list[str]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        # Excel's "CSV (Comma delimited)" on a UK Windows PC writes Windows-1252.
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ImportProblem(
            "The CSV file's characters cannot be read: save it as 'CSV UTF-8' and upload that."
        ) from exc
    return text, ["The CSV file was read as Windows-1252 (Excel's usual CSV encoding), not UTF-8."]


def _sniff_delimiter(text: str) -> str:
    """Comma, semicolon (Excel in much of Europe) or tab: whichever splits the first lines
    into the most rows of one consistent width."""
    sample = text[:20000]
    best, best_score = ",", (0, 0)
    for delimiter in (",", ";", "\t"):
        try:
            rows = list(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))[:50]
        except csv.Error:
            continue
        widths = [len(row) for row in rows if any(cell.strip() for cell in row)]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = (widths.count(common) if common > 1 else 0, common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_cell(value: str, row: int, column: int) -> Cell:
    if value.strip().startswith("=") and len(value.strip()) > 1:
        # Excel would run it on opening: the file says what to compute, not what people saw.
        raise _formula_problem(row, column, value.strip())
    return _clean_text(value)


# XLSX ---------------------------------------------------------------------------------


def _read_xlsx(data: bytes, sheet: str | None, limits: Limits) -> Table:
    _check_zip(data, limits)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except _BROKEN_WORKBOOK as exc:
        raise ImportProblem(DAMAGED) from exc
    try:
        worksheet, notes = _choose_sheet(workbook, sheet)
        collector = _RowCollector(limits)
        # The stored dimensions may be wrong (some programs write "A1"): read what is there.
        worksheet.reset_dimensions()
        for number, cells in enumerate(worksheet.iter_rows(), start=1):
            collector.add(number, [_xlsx_cell(cell, number, i) for i, cell in enumerate(cells)])
        rows = collector.finish(f"The file is empty: the sheet '{worksheet.title}' has no rows.")
    except _BROKEN_WORKBOOK as exc:
        raise ImportProblem(DAMAGED) from exc
    finally:
        workbook.close()
    return Table(rows, sheet=worksheet.title, notes=notes + collector.notes())


def _check_zip(data: bytes, limits: Limits) -> None:
    """Refuse a zip bomb before openpyxl inflates anything. The declared sizes can be
    trusted as a bound: zipfile stops inflating a member at its declared size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise ImportProblem(DAMAGED) from exc
    unzipped = sum(member.file_size for member in members)
    if unzipped > limits.max_unzipped_bytes:
        raise ImportProblem(
            f"This Excel file unpacks to {_size(unzipped)}; the limit is "
            f"{_size(limits.max_unzipped_bytes)}. Split the plan into smaller files."
        )
    if unzipped > limits.max_ratio * len(data):
        raise ImportProblem(
            f"This Excel file unpacks to {unzipped // len(data):,} times its size, far more than "
            "any spreadsheet does. It may be damaged or built to cause harm, so it was not read."
        )


def _choose_sheet(workbook, name: str | None):
    names = workbook.sheetnames
    if name is None:
        if not workbook.worksheets:
            raise ImportProblem("The file is empty: it has no sheets.")
        worksheet = workbook.worksheets[0]
        others = [other for other in names if other != worksheet.title]
        notes = [f"Read the first sheet, '{worksheet.title}'."] if others else []
        if others:
            notes.append(f"The file also has: {', '.join(others)} (choose another by its name).")
        return worksheet, notes
    matches = [other for other in names if other.casefold() == name.strip().casefold()]
    if not matches or matches[0] not in [ws.title for ws in workbook.worksheets]:
        listed = ", ".join(f"'{other}'" for other in names)
        raise ImportProblem(f"There is no sheet called '{name}'. The sheets are: {listed}.")
    return workbook[matches[0]], []


def _xlsx_cell(cell, row: int, column: int) -> Cell:
    if cell.data_type == "f":
        formula = getattr(cell.value, "text", None) or str(cell.value)
        raise _formula_problem(row, column, formula)
    value = cell.value
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return _number_text(value, getattr(cell, "number_format", "General") or "General")
    return _clean_text(_OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), str(value)))


# Excel writes characters XML cannot hold (control characters) as _xHHHH_, and a literal
# "_x" as _x005F_x; openpyxl leaves them as they are. Decoded here, so a control character
# is seen (and removed) rather than kept as "_x0007_".
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _number_text(value: float, number_format: str) -> str:
    """A number as the person saw it: 1.0 -> "1" (a reference), 0.4 shown as 40% -> "40%"."""
    percent = "%" in number_format
    if percent:
        value = value * 100
    text = str(int(value)) if float(value).is_integer() else f"{value:.10g}"
    return text + "%" if percent else text


# Finding the header row -----------------------------------------------------------------

HEADER_SCAN_ROWS = 20
NO_HEADER = (
    f"No header row found in the first {HEADER_SCAN_ROWS} rows: expected columns such as "
    "Action, Lead, Deadline, Status"
)

# Header wordings seen in council plans, after normalise_header(). Read-only columns of our
# own export (Deadline date, Overdue, RAG, Last updated) are recognised so they are not reported as
# unknown, and never imported.
_SYNONYMS: dict[str, str] = {
    "reference": "ref|reference|no|number|#|item|ref no",
    "title": "action|actions|action relating to|activity|activities|title|description of action",
    "workstream": "workstream|theme|objective|strand",
    "lead": "lead|leads|lead department|lead service|responsible|owner|who",
    "lead_officer": "lead officer|responsible officer|officer",
    "deadline": "deadline|deadlines|timescale|timescales|target date|due|due date|by when"
    "|completion date|when",
    "status": "status|progress|rag status|update",
    "rag": "rag",
    "percent": "% complete|percent complete|complete %|%|complete",
    "commentary": "comments|comment|commentary|notes|latest update",
    "description": "description",
    "outcomes": "outcomes|outcome|expected outcomes",
    "measures": "measures|measure|measures/kpi|kpi|kpis|performance measures|success measures",
    "partners": "partners|possible partners|possible partners/links|partners/links",
    "priority": "priority",
    "ward": "ward|wards",
    "key": "action id",
    "deadline_date": "deadline date",
    "overdue": "overdue",
    "last_updated": "last updated",
}
_FIELD_OF = {word: name for name, words in _SYNONYMS.items() for word in words.split("|")}
READ_ONLY_FIELDS = frozenset({"rag", "deadline_date", "overdue", "last_updated"})
# Seed 000 calls its action column "Workstream"; a pilot list may lead with "Priority".
_TITLE_FALLBACKS = ("workstream", "priority")
# "1.", "10a", "1.2", "SP1", "3)": a reference, never a heading or a title.
_REFERENCE = re.compile(r"^(?:[A-Za-z]{1,4}[ -]?)?\d{1,3}(?:\.\d{1,3}){0,3}[a-z]?[.)]?$")


@dataclass
class Header:
    """The header row: its spreadsheet row number, its position in Table.rows, the field of
    each recognised column (by 0-based index) and every header text as written."""

    row: int
    position: int
    columns: dict[int, str]
    texts: dict[int, str]
    unrecognised: list[str]

    def index_of(self, field_name: str) -> int | None:
        return next((i for i, name in self.columns.items() if name == field_name), None)


def normalise_header(text: str) -> str:
    """'Possible partners/ links' -> 'possible partners/links'; 'Ref.' -> 'ref'."""
    text = " ".join(str(text).lower().replace("(s)", "").split())
    text = re.sub(r"\s*/\s*", "/", text)
    return text.strip(" .:;,*-\u2013\u2014_()[]?")


def field_for_header(text: str) -> str | None:
    name = normalise_header(text)
    if name in _FIELD_OF:
        return _FIELD_OF[name]
    if name.startswith(("progress ", "status ")):  # "Progress Q2", "Status at 31 March"
        return "status"
    return None


def find_header(table: Table) -> Header:
    """The header: of the first 20 rows with content, the one naming most known fields, an
    action title among them."""
    best: Header | None = None
    positions = [i for i, row in enumerate(table.rows) if row.filled()][:HEADER_SCAN_ROWS]
    for position in positions:
        header = _read_header(table, position)
        if header is not None and (best is None or len(header.columns) > len(best.columns)):
            best = header
    if best is None:
        raise ImportProblem(NO_HEADER)
    return best


def _read_header(table: Table, position: int) -> Header | None:
    row = table.rows[position]
    texts = {i: value for i, value in row.filled() if isinstance(value, str)}
    columns = {i: name for i, text in texts.items() if (name := field_for_header(text))}
    _settle_ambiguous_columns(columns)
    duplicates = _drop_duplicate_fields(columns)
    if "title" not in columns.values():
        return None
    reference = _blank_reference_column(table, position, columns, texts)
    if reference is not None:
        columns[reference] = "reference"
    if len(columns) < 2:
        return None
    unrecognised = [
        f"{texts[i]} (column {get_column_letter(i + 1)}"
        + (", a second column for the same thing)" if i in duplicates else ")")
        for i in sorted(texts)
        if i not in columns
    ]
    return Header(row.number, position, dict(sorted(columns.items())), texts, unrecognised)


def _settle_ambiguous_columns(columns: dict[int, str]) -> None:
    if "title" not in columns.values():
        for fallback in _TITLE_FALLBACKS:
            index = next((i for i, name in sorted(columns.items()) if name == fallback), None)
            if index is not None:
                columns[index] = "title"
                break
    if "status" not in columns.values():
        index = next((i for i, name in sorted(columns.items()) if name == "rag"), None)
        if index is not None:
            columns[index] = "status"


def _drop_duplicate_fields(columns: dict[int, str]) -> set[int]:
    seen: set[str] = set()
    dropped = set()
    for index in sorted(columns):
        if columns[index] in seen:
            dropped.add(index)
        seen.add(columns[index])
    for index in dropped:
        del columns[index]
    return dropped


def _blank_reference_column(
    table: Table, position: int, columns: dict[int, str], texts: dict[int, str]
) -> int | None:
    """Seed 002 leaves its "1.", "2." column unheaded: a blank-headed column just left of the
    table whose cells below are mostly references (heading rows, one cell wide, not counted)."""
    index = min(columns) - 1 if columns else -1
    if index < 0 or index in texts or "reference" in columns.values():
        return None
    below = table.rows[position + 1 : position + 31]
    values = [row.get(index) for row in below if len(row.filled()) > 1 and row.get(index)]
    refs = [v for v in values if isinstance(v, str) and _REFERENCE.match(v)]
    return index if refs and len(refs) * 2 > len(values) else None


# Parsing rows into a plan ---------------------------------------------------------------

NO_DEADLINE = ParsedDeadline(None, Precision.NONE.value, "")
REPEATED_HEADER = "header repeated at a page break; skipped"
PAGE_TITLE = "title repeated above the header; skipped"
NO_TITLE = "no action title; skipped"
NOTE_BELOW = "note below the table, not a workstream; skipped"
NOTE = "key, note or page number; skipped"

# "Strategic Planning: Objective 1: To consider…" or "Objective 3: To ensure…".
_HEADING = re.compile(
    r"^(?:(?P<strand>[^:]{1,150}?)\s*:\s*)?"
    r"(?P<ref>(?:objective|priority|theme|workstream|strand|outcome|aim|goal|section)"
    r"\s+[\w.]{1,10}?)\.?\s*[:\-\u2013\u2014]\s*(?P<title>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
_NOTE = re.compile(r"^(?:(?:key|notes?|nb|sources?)\s*[:\-\u2013]|\*|page \d+(?: of \d+)?$)", re.I)
_PAGE_TITLE = re.compile(r"^(?:appendix|annex|annexe|schedule|page)\b", re.I)
_BULLET = re.compile(r"^[\u2022\u25e6\u25aa\u25cf\u00b7\uf0b7]\s*")
_AIMS = {
    "serves_eliminate_discrimination": re.compile(
        r"\beliminat\w*\W+(?:\w+\W+){0,3}?discriminat", re.I
    ),
    "serves_advance_equality": re.compile(r"\badvanc\w*\s+(?:of\s+)?equality\s+of\s+opport", re.I),
    "serves_foster_relations": re.compile(r"\bfoster\w*\s+good\s+relations", re.I),
}


@dataclass(eq=False)
class ParsedWorkstream:
    title: str
    row: int
    reference: str = ""
    parent: ParsedWorkstream | None = None
    action_count: int = 0

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}" if self.reference else self.title


@dataclass(eq=False)
class ParsedAction:
    """One action row as read, with its 1-based spreadsheet row number."""

    row: int
    title: str
    reference: str = ""
    workstream: ParsedWorkstream | None = None
    description: str = ""
    outcomes: str = ""
    measures_text: str = ""
    priority: str = ""
    partners_note: str = ""
    wards: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    lead_officer_title: str = ""
    deadline_value: str | datetime.date | None = None
    deadline: ParsedDeadline = NO_DEADLINE
    status: Status | None = None
    status_text: str = ""  # the cell as written when its words are not a known status
    commentary: str = ""
    percent: int | None = None
    key: int | None = None
    serves_eliminate_discrimination: bool = False
    serves_advance_equality: bool = False
    serves_foster_relations: bool = False
    bad_fields: set[str] = field(default_factory=set)  # cells that could not be read

    @property
    def workstream_label(self) -> str:
        return str(self.workstream) if self.workstream else ""

    @property
    def lead_label(self) -> str:
        departments = ", ".join(self.departments)
        if departments and self.lead_officer_title:
            return f"{departments} ({self.lead_officer_title})"
        return departments or self.lead_officer_title


@dataclass
class ParsedPlan:
    """Everything read from a table, and everything that could not be, for a person to check."""

    sheet: str
    header_row: int
    fields: set[str]
    columns: dict[str, str]  # field -> column letter
    workstreams: list[ParsedWorkstream] = field(default_factory=list)
    actions: list[ParsedAction] = field(default_factory=list)
    new_departments: list[str] = field(default_factory=list)
    unknown_statuses: dict[str, list[int]] = field(default_factory=dict)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    blank_rows: int = 0
    unrecognised_columns: list[str] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        """Lines for the command line and the preview page."""
        lines = [self._counts(), f"Sheet '{self.sheet}', header on row {self.header_row}."]
        lines += self.notes
        if self.blank_rows:
            lines.append(f"{self.blank_rows} blank row{_s(self.blank_rows)} skipped.")
        by_reason: dict[str, list[int]] = {}
        for row, reason in self.skipped:
            by_reason.setdefault(reason, []).append(row)
        lines += [f"{_rows_text(rows)}: {reason}" for reason, rows in by_reason.items()]
        if self.unrecognised_columns:
            lines.append("Columns not imported: " + "; ".join(self.unrecognised_columns) + ".")
        if self.unknown_statuses:
            listed = "; ".join(
                f"'{_short(text)}' ({_rows_text(rows).lower()})"
                for text, rows in self.unknown_statuses.items()
            )
            lines.append(f"Status words not in the council's vocabulary: {listed}.")
        return lines + [problem.message for problem in self.errors]

    def _counts(self) -> str:
        text = (
            f"{len(self.actions)} action{_s(len(self.actions))} in {len(self.workstreams)} "
            f"workstream{_s(len(self.workstreams))}"
        )
        leads = {name.casefold() for action in self.actions for name in action.departments}
        if leads:
            text += f"; {len(leads)} lead department{_s(len(leads))}"
            if self.new_departments:
                text += f", {len(self.new_departments)} new: " + ", ".join(self.new_departments)
        return text + "."


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def _rows_text(rows: list[int]) -> str:
    return f"Row{_s(len(rows))} " + ", ".join(str(row) for row in rows)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _one_line(value: Cell) -> str:
    return " ".join(_as_text(value).split())


def _block(value: Cell, *, bullets: bool = False) -> str:
    """Multi-line text with its line breaks kept, each line trimmed (and unbulleted)."""
    lines = [line.strip() for line in _as_text(value).splitlines()]
    if bullets:
        lines = [_BULLET.sub("", line) for line in lines]
    return "\n".join(lines).strip()


def _as_text(value: Cell) -> str:
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return value or ""


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


def parse_plan(
    table: Table,
    header: Header,
    council: Council,
    *,
    status_map: dict[str, Status | None] | None = None,
) -> ParsedPlan:
    """Read the rows below the header into workstreams and actions of `council`'s plan.

    `status_map` says what status cells the vocabulary does not know mean: text (or the
    words a cell starts with) -> a status, or None for "no status, keep the words"."""
    return _PlanReader(table, header, council, status_map).read()


@dataclass
class _Line:
    kind: str  # "heading" or "action"
    row: Row


class _PlanReader:
    def __init__(
        self,
        table: Table,
        header: Header,
        council: Council,
        status_map: dict[str, Status | None] | None,
    ) -> None:
        self.table = table
        self.header = header
        self.council = council
        self.column = {name: index for index, name in header.columns.items()}
        self.first_column = min(header.columns)
        self.parsed = ParsedPlan(
            sheet=table.sheet,
            header_row=header.row,
            fields=set(header.columns.values()),
            columns={name: get_column_letter(i + 1) for i, name in header.columns.items()},
            unrecognised_columns=list(header.unrecognised),
            notes=list(table.notes),
        )
        self.leads = _LeadReader(council)
        self.statuses = _StatusReader(council, status_map)
        self.current: ParsedWorkstream | None = None

    def read(self) -> ParsedPlan:
        lines = self._classify(self.table.rows[self.header.position + 1 :])
        for line in lines:
            if line.kind == "heading":
                self._add_heading(line.row)
            else:
                self._add_action(line.row)
        self.parsed.new_departments = self.leads.new
        self.parsed.skipped.sort()
        if not self.parsed.actions:
            self.parsed.errors.append(
                ImportProblem(f"No actions found below the header on row {self.header.row}.")
            )
        return self.parsed

    # Classifying rows

    def _classify(self, rows: list[Row]) -> list[_Line]:
        page_titles = self._page_title_rows(rows)
        lines = []
        for row in rows:
            kind = self._kind(row, page_titles)
            if kind is not None:
                lines.append(_Line(kind, row))
        # Headings after the last action are keys, sources and notes, not empty workstreams.
        last_action = max((i for i, line in enumerate(lines) if line.kind == "action"), default=-1)
        for line in lines[last_action + 1 :]:
            self._skip(line.row, NOTE_BELOW)
        return lines[: last_action + 1]

    def _kind(self, row: Row, page_titles: set[int]) -> str | None:
        filled = row.filled()
        if not filled:
            self.parsed.blank_rows += 1
            return None
        if self._is_repeated_header(row):
            return self._skip(row, REPEATED_HEADER)
        if row.number in page_titles:
            return self._skip(row, PAGE_TITLE)
        only = filled[0][1] if len(filled) == 1 else None
        if isinstance(only, str) and _NOTE.match(only):
            return self._skip(row, NOTE)
        if self._is_heading(filled):
            return "heading"
        if not _one_line(row.get(self.column["title"])):
            return self._skip(row, NO_TITLE)
        return "action"

    def _skip(self, row: Row, reason: str) -> None:
        self.parsed.skipped.append((row.number, reason))

    def _is_repeated_header(self, row: Row) -> bool:
        filled = row.filled()
        texts = self.header.texts
        if len(filled) < 2 or len(filled) * 2 < len(texts):
            return False
        return all(
            isinstance(value, str) and normalise_header(value) == normalise_header(texts.get(i, ""))
            for i, value in filled
        )

    def _is_heading(self, filled: list[tuple[int, str | datetime.date]]) -> bool:
        if len(filled) != 1:
            return False
        index, value = filled[0]
        return index <= self.first_column and isinstance(value, str) and not _REFERENCE.match(value)

    def _page_title_rows(self, rows: list[Row]) -> set[int]:
        """Rows such as "Appendix 2" or the plan's title printed again just above a repeated
        header: they belong to the page break, not to the plan."""
        preamble = {
            _fold(value)
            for row in self.table.rows[: self.header.position]
            for _, value in row.filled()
            if isinstance(value, str)
        }
        titles: set[int] = set()
        for i, row in enumerate(rows):
            if not self._is_repeated_header(row):
                continue
            for above in reversed(rows[:i]):
                filled = above.filled()
                if not filled:
                    continue
                text = filled[0][1] if len(filled) == 1 else None
                if not isinstance(text, str):
                    break
                if _fold(text) not in preamble and not _PAGE_TITLE.match(text):
                    break
                titles.add(above.number)
        return titles

    # Workstreams

    def _add_heading(self, row: Row) -> None:
        text = _one_line(row.filled()[0][1])
        match = _HEADING.match(text)
        if match is None:
            self.current = self._workstream(row.number, text)
            return
        if match["strand"]:
            parent = self._strand(match["strand"].strip(), row.number)
        else:
            parent = self._implicit_parent()
        title, reference = match["title"].strip(), match["ref"].strip()
        self.current = self._workstream(row.number, title, reference, parent)

    def _strand(self, title: str, row: int) -> ParsedWorkstream:
        for workstream in self.parsed.workstreams:
            top_level = workstream.parent is None and not workstream.reference
            if top_level and _fold(workstream.title) == _fold(title):
                return workstream
        return self._workstream(row, title)

    def _implicit_parent(self) -> ParsedWorkstream | None:
        """ "Objective 3: …" with no strand of its own sits in the strand above it: the latest
        top-level heading, if it is a plain one with no actions of its own."""
        tops = [ws for ws in self.parsed.workstreams if ws.parent is None]
        if tops and not tops[-1].reference and tops[-1].action_count == 0:
            return tops[-1]
        return None

    def _workstream(
        self, row: int, title: str, reference: str = "", parent: ParsedWorkstream | None = None
    ) -> ParsedWorkstream:
        column = get_column_letter(self.first_column + 1)
        if len(title) > 500:
            self._error(row, column, f"the heading is {len(title)} characters; the limit is 500.")
        if len(reference) > 50:
            self._error(row, column, f"the heading's reference '{reference}' is too long.")
        workstream = ParsedWorkstream(title=title, row=row, reference=reference, parent=parent)
        self.parsed.workstreams.append(workstream)
        return workstream

    def _named_workstream(self, text: str, row: int) -> ParsedWorkstream:
        """The workstream a Workstream column names ("Objective 1: To consider…" in our
        export), created at the top level if no heading had it."""
        wanted = {_fold(text), _fold(text.split(">")[-1])}
        for workstream in self.parsed.workstreams:
            if wanted & {_fold(workstream.title), _fold(str(workstream))}:
                return workstream
        return self._workstream(row, text)

    # Actions

    def _add_action(self, row: Row) -> None:
        action = ParsedAction(row=row.number, title=_one_line(self._value(row, "title")))
        action.reference = _one_line(self._value(row, "reference"))
        named = _one_line(self._value(row, "workstream"))
        action.workstream = self._named_workstream(named, row.number) if named else self.current
        if action.workstream is not None:
            action.workstream.action_count += 1
        action.description = _block(self._value(row, "description"), bullets=True)
        action.outcomes = _block(self._value(row, "outcomes"), bullets=True)
        action.measures_text = _block(self._value(row, "measures"), bullets=True)
        action.priority = _one_line(self._value(row, "priority"))
        action.partners_note = _block(self._value(row, "partners"))
        action.wards = _split_list(_as_text(self._value(row, "ward")))
        for name, pattern in _AIMS.items():
            setattr(action, name, bool(pattern.search(action.outcomes)))
        self._read_lead(action, row)
        self._read_deadline(action, row)
        self._read_status(action, row)
        self._read_percent(action, row)
        self._read_key(action, row)
        self._check_lengths(action)
        self.parsed.actions.append(action)

    def _value(self, row: Row, name: str) -> Cell:
        return row.get(self.column.get(name))

    def _error(self, row: int, column: str | None, text: str) -> None:
        self.parsed.errors.append(ImportProblem.at(row, column, text))

    def _read_lead(self, action: ParsedAction, row: Row) -> None:
        departments, officer = self.leads.read(_block(self._value(row, "lead")))
        action.departments = departments
        action.lead_officer_title = _one_line(self._value(row, "lead_officer")) or officer

    def _read_deadline(self, action: ParsedAction, row: Row) -> None:
        value = self._value(row, "deadline")
        if value is not None:
            action.deadline_value = value
            fy_start = self.council.financial_year_start_month
            action.deadline = parse_deadline(value, fy_start_month=fy_start)

    def _read_status(self, action: ParsedAction, row: Row) -> None:
        text = _block(self._value(row, "status"))
        comment = _block(self._value(row, "commentary"))
        rest = ""
        if text:
            reading = self.statuses.read(text)
            if reading is None:
                action.status_text = text
                self.parsed.unknown_statuses.setdefault(text, []).append(row.number)
            else:
                action.status, rest = reading
        action.commentary = "\n".join(part for part in (rest, comment) if part)

    def _read_percent(self, action: ParsedAction, row: Row) -> None:
        text = _one_line(self._value(row, "percent"))
        if not text:
            return
        action.percent = _percent(text)
        if action.percent is None:
            action.bad_fields.add("percent")
            self._error(
                row.number,
                self.parsed.columns["percent"],
                f"'{_short(text, 40)}' is not a % complete: enter a number from 0 to 100.",
            )

    def _read_key(self, action: ParsedAction, row: Row) -> None:
        text = _one_line(self._value(row, "key"))
        if text.isdigit():
            action.key = int(text)
        elif text:
            action.bad_fields.add("key")
            self._error(row.number, self.parsed.columns["key"], f"'{text}' is not an Action ID.")

    def _check_lengths(self, action: ParsedAction) -> None:
        # The database's limits, so a long cell is reported here rather than failing later.
        checks = [
            ("title", action.title, 500, "title"),
            ("reference", action.reference, 30, "reference"),
            ("priority", action.priority, 300, "priority"),
            ("lead", action.lead_officer_title, 300, "lead officer"),
            ("deadline", action.deadline.text, 500, "deadline"),
            *(("lead", name, 200, "department name") for name in action.departments),
            *(("ward", name, 200, "ward name") for name in action.wards),
        ]
        for name, value, limit, what in checks:
            if len(value) > limit:
                column = self.parsed.columns.get(name)
                text = f"the {what} is {len(value)} characters; the limit is {limit}."
                self._error(action.row, column, text)


def _percent(text: str) -> int | None:
    """ "40", "40%", "40 %" -> 40; "0.4" (a fraction, as Excel stores 40%) -> 40."""
    match = re.fullmatch(r"(\d{1,3}(?:\.\d+)?)\s*(%?)", text)
    if match is None:
        return None
    number = float(match[1])
    if not match[2] and 0 < number < 1:
        number *= 100
    return round(number) if 0 <= number <= 100 else None


# Status cells -----------------------------------------------------------------------------

# Status words councils use. Mapping one of these to this council's vocabulary translates it,
# so the words are dropped; any other mapped text is a note ("Initial proposals complete") and
# is kept as the commentary, as is anything longer than four words.
_STATUS_WORDS = (
    "not started|yet to start|due to start|not yet started|started|in progress|ongoing"
    "|on target|on track|on schedule|achieved|achieved or on target|under control"
    "|behind schedule|behind|delayed|at risk|off track|overdue|pending|on hold|complete"
    "|completed|done|closed|dropped|withdrawn|cancelled|superseded|not applicable|n/a|tbc"
)
_STATUS_PHRASES = frozenset(_STATUS_WORDS.split("|"))
# Longer words first: "Amber" is a RAG word before "A" is a RAG letter.
_RAG_TOKENS = {"red": "red", "amber": "amber", "green": "green", "blue": "blue"}
_RAG_TOKENS |= {word[0]: rag for word, rag in _RAG_TOKENS.items()}
_SEPARATOR = re.compile(r"\s*(?:[,;:.\u2013\u2014-]|\n)\s*")
_BUT_AND = re.compile(r"\s+(?:but|and)\b", re.I)


def _rest_after(text: str, label: str, *, words: bool = True) -> str | None:
    """The words after `label` when `text` is that label plus a note, else None.

    "Ongoing, Jobs Fair delivered" -> "Jobs Fair delivered". After a plain space only a
    label of 2+ words, or one followed by "but"/"and", counts: "Yet to start but links…"."""
    if text[: len(label)].casefold() != label.casefold():
        return None
    rest = text[len(label) :]
    if not rest:
        return ""
    separator = _SEPARATOR.match(rest)
    if separator:
        return rest[separator.end() :]
    if words and rest[0].isspace() and (len(label.split()) > 1 or _BUT_AND.match(rest)):
        return rest.strip()
    return None


def _is_status_phrase(text: str) -> bool:
    return len(text.split()) <= 4 and _fold(text) in _STATUS_PHRASES


class _StatusReader:
    """Reads a status cell against the council's vocabulary and the person's mapping."""

    def __init__(self, council: Council, status_map: dict[str, Status | None] | None) -> None:
        statuses = list(council.statuses.order_by("order", "label"))
        # Longest first, so "Achieved or on target" wins over a shorter label it starts with.
        self.labels = sorted(statuses, key=lambda status: len(status.label), reverse=True)
        self.by_rag: dict[str, Status] = {}
        for status in statuses:
            self.by_rag.setdefault(status.rag, status)
        mapping = [(key.strip(), value) for key, value in (status_map or {}).items()]
        self.mapping = sorted(
            ((key, value) for key, value in mapping if key), key=lambda kv: -len(kv[0])
        )

    def read(self, text: str) -> tuple[Status | None, str] | None:
        """(status, commentary), or None when the words are unknown."""
        return self._mapped(text) or self._vocabulary(text) or self._rag(text)

    def _mapped(self, text: str) -> tuple[Status | None, str] | None:
        for key, status in self.mapping:
            rest = _rest_after(text, key)
            if rest is None:
                continue
            if status is None:
                return None, text
            return status, rest if _is_status_phrase(key) else text
        return None

    def _vocabulary(self, text: str) -> tuple[Status, str] | None:
        for status in self.labels:
            rest = _rest_after(text, status.label)
            if rest is not None:
                return status, rest
        return None

    def _rag(self, text: str) -> tuple[Status, str] | None:
        for token, rag in _RAG_TOKENS.items():
            rest = _rest_after(text, token, words=len(token) > 1)
            if rest is not None and rag in self.by_rag:
                return self.by_rag[rag], rest
        return None


# Lead cells -------------------------------------------------------------------------------

_JOB_WORDS = re.compile(
    r"\b(?:managers?|directors?|heads? of|officers?|members?|chief|executive|"
    r"co-?ordinators?|team leaders?|senior)\b",
    re.I,
)
# A job title naming the team it runs: "Director of Public Health", "Community Safety Manager".
_JOB_OF = re.compile(
    r"^(?:(?:assistant |deputy )?director|head|manager) of (?:the )?(?P<d>.+)$", re.I
)
_JOB_SUFFIX = re.compile(r"^(?P<d>.+?) (?:manager|team leader|officer|co-?ordinator|lead)$", re.I)
_AND = re.compile(r"\s+(and|&)\s+")


class _LeadReader:
    """Turns a lead cell into department names (existing ones in the council's spelling,
    new ones as written) and, when it names people by job, a lead officer title."""

    def __init__(self, council: Council) -> None:
        self.known = {dept.name.casefold(): dept.name for dept in council.departments.all()}
        self.new: list[str] = []

    def read(self, text: str) -> tuple[list[str], str]:
        if not text:
            return [], ""
        if text.casefold() in self.known:
            return [self.known[text.casefold()]], ""
        if _JOB_WORDS.search(text):
            return self._from_job_title(text), _job_title_text(text)
        names = []
        for part in re.split(r"[;\n]", text):
            names += self._from_list([p.strip() for p in part.split(",") if p.strip()])
        return _unique(names), ""

    def _from_list(self, pieces: list[str]) -> list[str]:
        """Departments from comma-separated pieces, taking the longest run of pieces that
        names an existing department first ("Legal, HR and Democratic Services")."""
        names, start = [], 0
        while start < len(pieces):
            for end in range(len(pieces), start, -1):
                joined = ", ".join(pieces[start:end]).casefold()
                if joined in self.known:
                    names.append(self.known[joined])
                    start = end
                    break
            else:
                names += [self._name(part) for part in _split_and(pieces[start])]
                start += 1
        return names

    def _from_job_title(self, text: str) -> list[str]:
        if "\n" in text:
            return []  # several people: no safe reading
        job, comma, rest = text.partition(",")
        rest = " ".join(rest.split())
        named = self._team_of(job.strip())
        if named:
            return [named]
        if comma and _JOB_WORDS.search(job) and rest and not _JOB_WORDS.search(rest):
            return self._department_part(rest)
        return []

    def _team_of(self, job: str) -> str | None:
        for pattern in (_JOB_OF, _JOB_SUFFIX):
            match = pattern.match(job)
            if match and match["d"].casefold() in self.known:
                return self.known[match["d"].casefold()]
        return None

    def _department_part(self, rest: str) -> list[str]:
        """ "Senior Manager, <rest>": the department, or the known ones among its pieces
        ("Equal Pay, Corporate Services" -> Corporate Services), or a new one."""
        rest = rest.replace(" ,", ",")
        if rest.casefold() in self.known:
            return [self.known[rest.casefold()]]
        pieces = [piece.strip() for piece in rest.split(",")]
        known = [self.known[p.casefold()] for p in pieces if p.casefold() in self.known]
        return known or [self._name(rest)]

    def _name(self, text: str) -> str:
        name = " ".join(text.split()).strip(" .")
        if name.casefold() in self.known:
            return self.known[name.casefold()]
        if name.casefold() not in {new.casefold() for new in self.new}:
            self.new.append(name)
        return next(new for new in self.new if new.casefold() == name.casefold())


def _split_and(piece: str) -> list[str]:
    """ "Strategy and Housing" -> two departments; "Leisure and sports development" -> one:
    split on and/& only between two capitalised names."""
    parts = _AND.split(piece)
    names = [parts[0]]
    for joiner, part in zip(parts[1::2], parts[2::2], strict=True):
        if names[-1][:1].isupper() and part[:1].isupper():
            names.append(part)
        else:
            names[-1] += f" {joiner} {part}"
    return names


def _job_title_text(text: str) -> str:
    lines = [" ".join(line.split()).strip(" ,") for line in text.splitlines()]
    return ", ".join(line for line in lines if line).replace(" ,", ",")


def _unique(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    return [n for n in names if not (n.casefold() in seen or seen.add(n.casefold()))]


# Creating a plan --------------------------------------------------------------------------


def create_plan(
    parsed: ParsedPlan, council: Council, *, title: str, by: User | None, dry_run: bool = False
) -> Plan | None:
    """Create a draft plan from `parsed`, all or nothing; statuses are recorded as progress
    updates by `by`. A dry run does everything, then rolls back and returns None."""
    _refuse_unready(parsed)
    title = " ".join(title.split())
    if not title or len(title) > 300:
        raise ImportProblem("Give the plan a title of up to 300 characters.")
    if by is not None and not by.has_perm("actionplans.manage_plan", council):
        raise ImportProblem(f"You may not create plans for {council.name}.")
    with transaction.atomic():
        plan = Plan.objects.create(
            council=council,
            title=title,
            slug=_unique_slug(council, title),
            lifecycle=Plan.Lifecycle.DRAFT,
            visibility=Plan.Visibility.PUBLIC,
        )
        workstreams = _create_workstreams(parsed, plan)
        departments = _get_or_create(Department, council, _names(parsed, "departments"))
        wards = _get_or_create(Ward, council, _names(parsed, "wards"))
        actions = [
            _create_action(row, order, plan, workstreams, departments, wards)
            for order, row in enumerate(parsed.actions, start=1)
        ]
        _record_statuses(parsed, actions, by)
        if dry_run:
            transaction.set_rollback(True)
            return None
    return plan


def _refuse_unready(parsed: ParsedPlan) -> None:
    if parsed.errors:
        raise ImportProblem.combine(
            "Nothing was imported. Correct these and try again:", parsed.errors
        )
    if parsed.unknown_statuses:
        problems = [
            ImportProblem(f"'{_short(text)}' ({_rows_text(rows).lower()})", row=rows[0])
            for text, rows in parsed.unknown_statuses.items()
        ]
        raise ImportProblem.combine(
            "Nothing was imported: say which status each of these means (or none):", problems
        )


def _unique_slug(council: Council, title: str) -> str:
    base = slugify(title)[:90].strip("-") or "plan"
    taken = set(council.plans.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _names(parsed: ParsedPlan, attribute: str) -> list[str]:
    return _unique(name for action in parsed.actions for name in getattr(action, attribute))


def _get_or_create(model, council: Council, names: list[str]) -> dict:
    """Departments or wards of the council by lower-cased name, created when new."""
    existing = {obj.name.casefold(): obj for obj in model.objects.filter(council=council)}
    for name in names:
        if name.casefold() not in existing:
            existing[name.casefold()] = model.objects.create(council=council, name=name)
    return existing


def _create_workstreams(parsed: ParsedPlan, plan: Plan) -> dict[int, Workstream]:
    created: dict[int, Workstream] = {}
    for order, row in enumerate(parsed.workstreams, start=1):
        created[id(row)] = Workstream.objects.create(
            plan=plan,
            parent=created[id(row.parent)] if row.parent else None,
            reference=row.reference,
            title=row.title,
            order=order,
        )
    return created


def _create_action(
    row: ParsedAction,
    order: int,
    plan: Plan,
    workstreams: dict[int, Workstream],
    departments: dict[str, Department],
    wards: dict[str, Ward],
) -> Action:
    action = Action(
        plan=plan,
        workstream=workstreams[id(row.workstream)] if row.workstream else None,
        order=order,
        **{name: getattr(row, name) for name in _ACTION_FIELDS},
    )
    action.set_deadline(row.deadline_value)
    action.save()
    ActionLead.objects.bulk_create(
        ActionLead(action=action, department=departments[name.casefold()], order=i)
        for i, name in enumerate(row.departments)
    )
    action.wards.set([wards[name.casefold()] for name in row.wards])
    return action


_ACTION_FIELDS = (
    "reference",
    "title",
    "description",
    "outcomes",
    "measures_text",
    "priority",
    "partners_note",
    "lead_officer_title",
    "serves_eliminate_discrimination",
    "serves_advance_equality",
    "serves_foster_relations",
)


def _record_statuses(parsed: ParsedPlan, actions: list[Action], by: User | None) -> None:
    problems = []
    for row, action in zip(parsed.actions, actions, strict=True):
        if row.status is None and not row.commentary and row.percent is None:
            continue  # nothing reported
        # Words or a % without a status word are still a report: recorded as one, with no
        # status, so every page and export reads them from the same history.
        try:
            record_update(
                action,
                by=by,
                status=row.status,
                commentary=row.commentary,
                percent_complete=row.percent,
            )
        except ValidationError as exc:
            problems.append(ImportProblem.at(row.row, parsed.columns.get("status"), _joined(exc)))
    if problems:
        raise ImportProblem.combine("Nothing was imported. Correct these and try again:", problems)


def _joined(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# Round trip: an edited copy of an exported plan -------------------------------------------

DEADLINE_REASON = "Changed in an uploaded spreadsheet"


@dataclass
class ActionChange:
    """What one row of an uploaded copy changes on its action. `fields` holds (field, old,
    new) as people read them ("" for nothing); `problems` anything that stops it being
    recorded (unknown status words, an unreadable cell)."""

    action: Action
    row: int
    version: int  # the action's version when the upload was read
    fields: list[tuple[str, str, str]]
    status: Status | None
    percent_complete: int | None
    commentary: str
    revised_deadline: str  # "" unless the deadline words changed
    problems: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """Row 8: 'Promote food growing': status Due to start -> On target; ..."""
        parts = [f"{name} {old or '(none)'} -> {new or '(none)'}" for name, old, new in self.fields]
        parts += self.problems
        return f"Row {self.row}: '{_short(self.action.title, 60)}': " + "; ".join(parts)


def plan_changes(parsed: ParsedPlan, plan: Plan) -> list[ActionChange]:
    """What an uploaded copy of `plan` changes: status, % complete, commentary or deadline
    words, one ActionChange per action that differs. Rows are matched by Action ID, else
    reference, else exact title; rows that match nothing raise ImportProblem."""
    matcher = _ActionMatcher(plan, parsed)
    changes, problems = [], []
    for row in parsed.actions:
        try:
            action = matcher.match(row)
        except ImportProblem as problem:
            problems.append(problem)
            continue
        change = _change_for(row, action, parsed)
        if change.fields or change.problems:
            changes.append(change)
    if problems:
        raise ImportProblem.combine(
            f"Nothing was changed: these rows do not match actions of '{plan.title}'.", problems
        )
    return changes


class _ActionMatcher:
    def __init__(self, plan: Plan, parsed: ParsedPlan) -> None:
        self.plan = plan
        self.key_column = parsed.columns.get("key")
        actions = list(plan.actions.select_related("status", "plan__council"))
        self.by_pk = {action.pk: action for action in actions}
        self.by_reference = _unique_index(actions, lambda action: action.reference)
        self.by_title = _unique_index(actions, lambda action: action.title)
        self.seen: dict[int, int] = {}

    def match(self, row: ParsedAction) -> Action:
        action = self._find(row)
        if action.pk in self.seen:
            raise ImportProblem.at(
                row.row, None, f"this action is also on row {self.seen[action.pk]}."
            )
        self.seen[action.pk] = row.row
        return action

    def _find(self, row: ParsedAction) -> Action:
        if row.key is not None:
            if row.key in self.by_pk:
                return self.by_pk[row.key]
            text = f"Action ID {row.key} is not an action of '{self.plan.title}'."
            raise ImportProblem.at(row.row, self.key_column, text)
        for index, value in ((self.by_reference, row.reference), (self.by_title, row.title)):
            if value and _fold(value) in index:
                return index[_fold(value)]
        raise ImportProblem.at(
            row.row,
            None,
            f"no action of this plan has the reference or title '{_short(row.title, 60)}' "
            "(an upload cannot add actions).",
        )


def _unique_index(actions: list[Action], key: Callable[[Action], str]) -> dict[str, Action]:
    index: dict[str, Action | None] = {}
    for action in actions:
        value = _fold(key(action))
        if value:
            index[value] = None if value in index else action  # ambiguous: matches nothing
    return {value: action for value, action in index.items() if action is not None}


def _change_for(row: ParsedAction, action: Action, parsed: ParsedPlan) -> ActionChange:
    change = ActionChange(
        action=action,
        row=row.row,
        version=action.version,
        fields=[],
        status=action.status,
        percent_complete=action.percent_complete,
        commentary=_block(action.status_commentary),
        revised_deadline="",
    )
    if row.status_text:
        change.problems.append(f"status words '{_short(row.status_text, 40)}' not matched")
    elif row.status is not None and row.status != action.status:
        change.fields.append(("status", _label(action.status), row.status.label))
        change.status = row.status
    # Only columns the file has are compared: a missing column is not an emptied one.
    has_percent = "percent" in parsed.fields and "percent" not in row.bad_fields
    percent = row.percent
    if percent is None and change.status is not None:
        # A blank % beside a status with a default (Complete: 100) means that default, as it
        # does on the update form; otherwise re-uploading a file would undo it.
        percent = change.status.default_percent
    if has_percent and percent != action.percent_complete:
        change.fields.append(("% complete", _number(action.percent_complete), _number(percent)))
        change.percent_complete = percent
    has_commentary = "commentary" in parsed.fields or row.commentary
    if has_commentary and row.commentary != change.commentary:
        change.fields.append(("commentary", _short(change.commentary), _short(row.commentary)))
        change.commentary = row.commentary
    # An emptied deadline cell is no change: a deadline can be revised, not removed.
    if row.deadline.text and row.deadline.text != action.deadline_text:
        change.fields.append(("deadline", action.deadline_text, row.deadline.text))
        change.revised_deadline = row.deadline.text
    if row.bad_fields:
        change.problems.append("a cell could not be read")
    if change.fields and change.status is None and not change.problems:
        change.problems.append("give a status: an update needs one")
    return change


def _label(status: Status | None) -> str:
    return status.label if status is not None else ""


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def apply_changes(
    changes: list[ActionChange], plan: Plan, *, by: User, dry_run: bool = False
) -> list[ProgressUpdate]:
    """Record each change as a progress update by `by`, all or nothing. Refuses the lot if
    `by` may not update any of the actions, a row could not be read, an action changed since
    the upload was read, or the council's rules refuse an update."""
    blocked = [ImportProblem.at(c.row, None, "; ".join(c.problems)) for c in changes if c.problems]
    if blocked:
        raise ImportProblem.combine("Nothing was changed. Correct these rows first:", blocked)
    refused = [
        ImportProblem.at(c.row, None, f"you may not update '{_short(c.action.title, 60)}'.")
        for c in changes
        if c.action.plan_id != plan.pk or not by.has_perm("actionplans.update_action", c.action)
    ]
    if refused:
        raise ImportProblem.combine("Nothing was changed:", refused)
    with transaction.atomic():
        updates, problems = [], []
        for change in changes:
            try:
                updates.append(_record_change(change, by))
            except (UpdateConflict, ValidationError) as exc:
                problems.append(ImportProblem.at(change.row, None, _refusal(exc)))
        if problems:
            raise ImportProblem.combine("Nothing was changed:", problems)
        if dry_run:
            transaction.set_rollback(True)
    return updates


def _record_change(change: ActionChange, by: User) -> ProgressUpdate:
    return record_update(
        change.action,
        by=by,
        status=change.status,
        percent_complete=change.percent_complete,
        commentary=change.commentary,
        revised_deadline=change.revised_deadline,
        deadline_reason=DEADLINE_REASON if change.revised_deadline else "",
        expected_version=change.version,
    )


def _refusal(exc: UpdateConflict | ValidationError) -> str:
    if isinstance(exc, ValidationError):
        return _joined(exc)
    who = exc.changed_by or "someone else"
    what = "; ".join(f"{c.field} {c.was} -> {c.now}" for c in exc.changes)
    detail = f" ({what})" if what else ""
    return (
        f"the action was changed by {who} after this spreadsheet was read{detail}. "
        "Download a fresh copy and make your changes again."
    )
