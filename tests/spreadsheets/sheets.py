"""Building spreadsheets in code, and reading what the importer made of them back as rows a
person can compare with the sheet at a glance.

Every layout test writes the rows it expects as tuples of

    (row, reference, title, group, lead, deadline, status, percent, commentary)

- row: the 1-based spreadsheet row the action came from;
- group: None, "Theme" or "Theme > Sub-theme";
- lead: the lead departments joined by "; ", then the lead officer's job title in brackets,
  e.g. "Housing and Community Services; Housing Options (Head of Housing)"; "" for none;
- deadline: the deadline as written ("" for none); its date must be what the project's own
  deadline reader makes of those words (a dd/mm/yyyy date for a date cell);
- status: "On target" for a confirmed status (`.status`); "~On target" for a suggestion only
  (`.status` None, `.suggestion` that status); "?Complete" where either is right; None for
  neither;
- percent: int or None; commentary: str ("" for none).
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from actionplans.deadlines import parse_deadline

REALWORLD = Path(__file__).parent / "realworld"


@dataclass
class Sheet:
    """One worksheet: its rows from A1 (None for an empty cell), merged ranges such as
    "A2:F2", hidden column letters and number formats by cell ("E5": "0%")."""

    rows: list[list]
    title: str = "Sheet1"
    merges: list[str] = field(default_factory=list)
    hidden_columns: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)


def xlsx(*sheets: Sheet | list[list]) -> bytes:
    """A workbook holding the given sheets in order (a bare list of rows is one sheet)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        if not isinstance(sheet, Sheet):
            sheet = Sheet(sheet)
        worksheet = workbook.create_sheet(sheet.title)
        for number, values in enumerate(sheet.rows, start=1):
            for column, value in enumerate(values, start=1):
                if value is not None and value != "":
                    worksheet.cell(row=number, column=column, value=value)
        for cell_range in sheet.merges:
            worksheet.merge_cells(cell_range)
        for letter in sheet.hidden_columns:
            worksheet.column_dimensions[letter].hidden = True
        for coordinate, number_format in sheet.formats.items():
            worksheet[coordinate].number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(rows: list[list], *, line_end: str = "\r\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=line_end)
    writer.writerows([["" if value is None else value for value in row] for row in rows])
    return buffer.getvalue()


# Reading the result back -----------------------------------------------------------------


def group_text(workstream) -> str | None:
    if workstream is None:
        return None
    if workstream.parent is None:
        return workstream.title
    return f"{workstream.parent.title} > {workstream.title}"


def lead_text(action) -> str:
    departments = "; ".join(action.departments)
    if action.lead_officer_title:
        return f"{departments} ({action.lead_officer_title})".strip()
    return departments


def deadline_text(action) -> str:
    return action.deadline.text if action.deadline is not None else ""


def deadline_date(action) -> datetime.date | None:
    return action.deadline.date if action.deadline is not None else None


def status_text(action) -> str | None:
    if action.status is not None:
        return action.status.label
    if action.suggestion is not None:
        return "~" + action.suggestion.label
    return None


def summary(action) -> tuple:
    return (
        action.row,
        action.reference,
        action.title,
        group_text(action.workstream),
        lead_text(action),
        deadline_text(action),
        status_text(action),
        action.percent,
        action.commentary,
    )


def expected_date(text: str) -> datetime.date | None:
    return parse_deadline(text, fy_start_month=4).date if text else None


def check_rows(parsed, expected: list[tuple]) -> None:
    """Every action, in order, is exactly the expected row; and each deadline's date is the
    date its words mean."""
    actual = [summary(action) for action in parsed.actions]
    wanted = []
    for row, got in zip(expected, actual + [None] * len(expected), strict=False):
        status = row[6]
        if isinstance(status, str) and status.startswith("?"):
            either = {status[1:], "~" + status[1:]}
            if got is not None and got[6] in either:
                status = got[6]
        wanted.append((*row[:6], status, *row[7:]))
    assert actual == wanted
    dates = [(action.row, deadline_date(action)) for action in parsed.actions]
    assert dates == [(row[0], expected_date(row[5])) for row in expected]


def roles_of(parsed) -> dict[str, str]:
    """Column letter -> role, for every column the importer reports."""
    return {column.letter: column.role for column in parsed.columns}


def column(parsed, letter: str):
    matches = [column for column in parsed.columns if column.letter == letter]
    assert len(matches) == 1, f"column {letter} is listed {len(matches)} times"
    return matches[0]


def skipped_rows(parsed) -> list[int]:
    return [row for row, _reason in parsed.skipped]


def workstream_tree(parsed) -> list[str]:
    return [group_text(workstream) for workstream in parsed.workstreams]
