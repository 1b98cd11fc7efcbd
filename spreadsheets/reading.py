"""Reading an uploaded spreadsheet (.xlsx or CSV) into plain rows of cell values.

Refuses what is not a spreadsheet, is too big, is a zip bomb or holds formulas (we store what
people see, not what Excel would compute). Used by every import: plans, the round trip of an
exported plan, and scrutiny registers."""

from __future__ import annotations

import csv
import datetime
import html
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePath
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import WorkSheetParser


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
        columns=None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column
        self.problems = problems if problems is not None else [self]
        # The columns found (a roles.Layout), when a person can fix the problem by giving
        # them roles: the preview shows them with a choice of role each.
        self.columns = columns

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
    _filled: list | None = field(default=None, repr=False, compare=False)

    def filled(self) -> list[tuple[int, str | datetime.date]]:
        """The cells with content, (index, value). Worked out once: a row's values do not
        change once read (padding adds only empty cells)."""
        if self._filled is None:
            self._filled = [(i, value) for i, value in enumerate(self.cells) if value is not None]
        return self._filled

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
    if _HTML_TAG.search(text):
        text = _html_to_text(text)
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


# Text exported from a web system arrives as HTML ("<div>Revise the plan.</div>"): the tags
# are markup, not the words, so they become line breaks and the entities characters. Only
# these tags count, so a "<" in ordinary text is kept as written.
_HTML_TAG = re.compile(
    r"</?(?:div|p|br|ul|ol|li|span|strong|em|b|i|u|a|h[1-6]|table|tr|td|th)\b[^>]*>", re.I
)
_HTML_BREAK = re.compile(r"<br\s*/?>|</(?:div|p|li|h[1-6]|tr)>", re.I)
_HTML_ITEM = re.compile(r"<li\b[^>]*>", re.I)


def _html_to_text(text: str) -> str:
    text = _HTML_ITEM.sub("\n- ", _HTML_BREAK.sub("\n", text))
    text = html.unescape(_HTML_TAG.sub("", text)).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()


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
        for number, cells in _xlsx_rows(workbook, worksheet):
            collector.add(number, cells)
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


def _xlsx_rows(workbook, worksheet):
    """Each row of the sheet as (number, values), rows with nothing in them included.

    openpyxl's own sheet parser, as its read-only worksheet runs it, but without building
    a cell object per value: that was a fifth of the reading time. (These are openpyxl's
    internals, so pyproject.toml keeps openpyxl to 3.1.) The sheet's stored dimensions are
    not used: some programs write "A1" whatever the size, so what is there is read."""
    number_format = _NumberFormats(workbook)
    with worksheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            worksheet._shared_strings,
            data_only=False,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        expected = 1
        for number, cells in parser.parse():
            for blank in range(expected, number):
                yield blank, []
            expected = number + 1
            values: list[Cell] = [None] * (cells[-1]["column"] if cells else 0)
            for cell in cells:
                column = cell["column"] - 1
                if column >= len(values):
                    values += [None] * (column + 1 - len(values))
                values[column] = _xlsx_value(cell, number, column, number_format)
            yield number, values


class _NumberFormats(dict):
    """The number format of each cell style, looked up once per style."""

    def __init__(self, workbook) -> None:
        super().__init__()
        self.workbook = workbook

    def __missing__(self, style_id: int) -> str:
        try:
            format_id = self.workbook._cell_styles[style_id].numFmtId
            if format_id < BUILTIN_FORMATS_MAX_SIZE:
                text = BUILTIN_FORMATS.get(format_id, "General")
            else:
                text = self.workbook._number_formats[format_id - BUILTIN_FORMATS_MAX_SIZE]
        except (IndexError, AttributeError):
            text = "General"  # a style the file does not define: shown as a plain number
        self[style_id] = text
        return text


def _xlsx_value(cell: dict, row: int, column: int, number_format: _NumberFormats) -> Cell:
    value = cell["value"]
    if value is None:
        return None
    if cell["data_type"] == "f":
        formula = getattr(value, "text", None) or str(value)
        raise _formula_problem(row, column, formula)
    if isinstance(value, str):
        return _clean_text(_OOXML_ESCAPE.sub(_unescape, value) if "_x" in value else value)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return _number_text(value, number_format[cell["style_id"] or 0])
    return _clean_text(str(value))  # a time of day, or a duration


def _unescape(match: re.Match) -> str:
    return chr(int(match.group(1), 16))


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
