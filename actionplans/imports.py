"""Import action plans from the spreadsheets councils keep them in (.xlsx or CSV).

Council plans reach a spreadsheet as committee-paper tables: a title block, the header row
repeated at every page break, workstream headings as rows with one cell filled (or a theme
column), status cells mixing a status word with a note ("Ongoing, Jobs Fair delivered…"), a
RAG column beside a progress column, one cell naming several lead departments. The import
runs in steps a person can check before anything is saved:

1. spreadsheets.reading.read_table(): bytes -> rows of plain cell values.
2. find_header() (spreadsheets.roles.find_layout): which row is the header and the role of
   every column, from its header words or its cells; a person can change any role.
3. parse_plan(): rows -> workstreams and actions, with the period the sheet reports on,
   each status word matched to the council's vocabulary (exactly, or suggested for a person
   to confirm), skipped rows and rows to look at.
4. create_plan() for a new plan, or plan_changes() + apply_changes() for an edited copy of an
   exported plan. One transaction each, all or nothing. A new plan's rows are written in
   bulk (services.record_imported_updates), the sheet's statuses dated as at its period.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from openpyxl.utils import get_column_letter
from simple_history.utils import bulk_create_with_history

from actionplans.deadlines import ParsedDeadline, Precision, parse_deadline
from actionplans.financial_calendar import financial_year_of, quarter_end
from actionplans.models import Action, ActionLead, Plan, ProgressUpdate, Workstream
from actionplans.services import (
    ImportedUpdate,
    UpdateConflict,
    imported_state,
    record_imported_history,
    record_imported_updates,
    record_update,
)
from councils.bulk import insert_rows
from councils.models import Council, Department, Status, User, Ward
from spreadsheets.reading import (
    DEFAULT_LIMITS,
    Cell,
    ImportProblem,
    Limits,
    Row,
    Table,
    read_table,
)
from spreadsheets.roles import (
    REFERENCE,
    Column,
    Layout,
    date_of,
    find_layout,
    find_period,
    normalise_header,
    percent_of,
    rag_of,
    roles_for_header,
)

__all__ = [
    "DEFAULT_LIMITS",
    "ActionChange",
    "Column",
    "Header",
    "ImportProblem",
    "Limits",
    "ParsedAction",
    "ParsedPlan",
    "ParsedWorkstream",
    "Row",
    "StatusReading",
    "Table",
    "apply_changes",
    "create_plan",
    "field_for_header",
    "find_header",
    "normalise_header",
    "parse_plan",
    "plan_changes",
    "read_plan",
    "read_table",
    "reading_token",
]

Header = Layout  # the header row and every column's role


def field_for_header(text: str) -> str | None:
    """The role a header's words give on their own, or None."""
    found = roles_for_header(text)
    return found[1][0] if found else None


def find_header(
    table: Table, council: Council | None = None, *, chosen: dict[str, str] | None = None
) -> Layout:
    """The header row and every column's role; `chosen` holds the roles a person picked
    (header or column letter -> role)."""
    return find_layout(table, chosen=chosen, status_words=status_words(council))


def status_words(council: Council | None) -> list[str]:
    """Words a status cell may hold: the council's labels and the common wording."""
    labels = [status.label for status in council.statuses.all()] if council else []
    return labels + [word for words in COMMON_WORDING.values() for word in words.split("|")]


def read_plan(
    data: bytes,
    filename: str,
    council: Council,
    *,
    sheet: str | None = None,
    roles: dict[str, str] | None = None,
    as_at: datetime.date | None = None,
    status_map: dict | None = None,
    accept_suggestions: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> ParsedPlan:
    """Read an uploaded file once, all the way to the plan it holds. ImportProblem if the
    file is refused outright (not a spreadsheet, laid out wide, no action column)."""
    table = read_table(data, filename, sheet=sheet, limits=limits)
    header = find_header(table, council, chosen=roles)
    return parse_plan(
        table,
        header,
        council,
        status_map=status_map,
        as_at=as_at,
        accept_suggestions=accept_suggestions,
        filename=filename,
    )


# Parsing rows into a plan ---------------------------------------------------------------

NO_DEADLINE = ParsedDeadline(None, Precision.NONE.value, "")
REPEATED_HEADER = "header repeated at a page break; skipped"
PAGE_TITLE = "title repeated above the header; skipped"
NO_TITLE = "no action title; skipped"
NOTE_BELOW = "note below the table, not a workstream; skipped"
NOTE = "key, note or page number; skipped"
TOTALS = "totals row; skipped"
FOOTER = "key, source, note or signature below the table; skipped"

# "Strategic Planning: Objective 1: To consider…" or "Objective 3: To ensure…".
_HEADING = re.compile(
    r"^(?:(?P<strand>[^:]{1,150}?)\s*:\s*)?"
    r"(?P<ref>(?:objective|priority|theme|workstream|strand|outcome|aim|goal|section)"
    r"\s+[\w.]{1,10}?)\.?\s*[:\-\u2013\u2014]\s*(?P<title>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
_NOTE = re.compile(r"^(?:(?:key|notes?|nb|sources?)\s*[:\-\u2013]|\*|page \d+(?: of \d+)?$)", re.I)
# Rows below a table that are not actions, whatever else the row holds.
_TOTALS = re.compile(
    r"^(?:grand |sub-?)?totals?\b\s*:?|^(?:count|number|no\.?) of actions\b|^overall\s*:?$", re.I
)
_FOOTER = re.compile(
    r"^(?:keys?|rag key|status key|legend|sources?|data source|notes?|nb|n\.b\.?|footnotes?"
    r"|signed|signature|approved by|prepared by|authori[sz]ed by|date of approval|print name"
    r"|version|document owner|date printed|printed on|last saved)\b\s*[:\-\u2013]?"
    r"|^(?:red|amber|green|blue|grey|r|a|g|b)\s*[=:\-\u2013]\s*\S"
    r"|^\*",
    re.I,
)
_FOOTER_LABEL = re.compile(
    r"^(?:keys?|rag key|status key|legend|sources?|data source|notes?|nb|footnotes?"
    r"|signed|signature|approved by|prepared by)\s*:",
    re.I,
)
_PAGE_TITLE = re.compile(r"^(?:appendix|annex|annexe|schedule|page)\b", re.I)
_BULLET = re.compile(r"^[\u2022\u25e6\u25aa\u25cf\u00b7\uf0b7]\s*")
_AIMS = {
    "serves_eliminate_discrimination": re.compile(
        r"\beliminat\w*\W+(?:\w+\W+){0,3}?discriminat", re.I
    ),
    "serves_advance_equality": re.compile(r"\badvanc\w*\s+(?:of\s+)?equality\s+of\s+opport", re.I),
    "serves_foster_relations": re.compile(r"\bfoster\w*\s+good\s+relations", re.I),
}
_DONE_WORDS = re.compile(r"^(?:y|yes|done|complete|completed|achieved|x|✓|✔|true)$", re.I)


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
    status: Status | None = None  # confirmed: exactly the council's word, or chosen
    suggestion: Status | None = None  # what the importer would choose, for a person to confirm
    status_text: str = ""  # the status cell's words when they are not exactly a status
    reading: str | None = None  # the key of the StatusReading this row's status comes from
    rag: str = ""
    commentary: str = ""
    percent: int | None = None
    completed_on: datetime.date | None = None
    done: bool = False  # a completion date, or "Yes"/"Done" in its column
    updated_on: datetime.date | None = None  # a Last updated column's date
    key: int | None = None
    serves_eliminate_discrimination: bool = False
    serves_advance_equality: bool = False
    serves_foster_relations: bool = False
    bad_fields: set[str] = field(default_factory=set)  # cells that could not be read
    warnings: list[str] = field(default_factory=list)
    history_cells: dict[int, Cell] = field(default_factory=dict)  # earlier periods' columns
    history: list[HistoryEntry] = field(default_factory=list)

    @property
    def workstream_label(self) -> str:
        if self.workstream is None:
            return ""
        if self.workstream.parent is not None and not self.workstream.reference:
            return f"{self.workstream.parent} > {self.workstream}"
        return str(self.workstream)

    @property
    def lead_label(self) -> str:
        departments = ", ".join(self.departments)
        if departments and self.lead_officer_title:
            return f"{departments} ({self.lead_officer_title})"
        return departments or self.lead_officer_title


@dataclass
class HistoryEntry:
    """What an earlier period's columns say of one action: kept as that period's update."""

    day: datetime.date
    status: Status | None
    percent: int | None
    commentary: str


@dataclass(eq=False)
class StatusReading:
    """One thing a sheet says about status that is not exactly a status of the council: a
    status word ("Under control"), a RAG letter with no status word, or progress text with
    neither. A person confirms what it means; `suggested` is the importer's choice."""

    key: str  # the words as written; "RAG: A" for a RAG cell; "" for progress text
    rows: list[int]
    suggested: str  # a Status pk as text, BY_RAG, BY_WORDS, or NO_STATUS
    how: str  # why: "common wording", "the RAG in the same row", "words in the cell"
    suggestion: Status | None = None  # when `suggested` is one status
    chosen: str | None = None  # what it was confirmed to mean, once it is

    @property
    def label(self) -> str:
        if self.key == "":
            return "Progress text with no status word or RAG"
        return self.key


BY_RAG = "rag"
BY_WORDS = "words"
NO_STATUS = "none"
# What those choices are called on the preview and the command line.
CHOICE_LABELS = {
    BY_RAG: "Each row's RAG colour",
    BY_WORDS: "What each row's words say",
    NO_STATUS: "No status: keep the words as commentary",
}


def reading_token(key: str) -> str:
    """A short stable name for a reading, for a form field: the same words, the same name."""
    return hashlib.sha1(_fold(key).encode()).hexdigest()[:12]


@dataclass
class ParsedPlan:
    """Everything read from a table, and everything that could not be, for a person to check."""

    sheet: str
    header_row: int
    fields: set[str]
    letters: dict[str, str]  # role -> column letter (the first column with it)
    columns: list[Column] = field(default_factory=list)
    filename: str = ""
    workstreams: list[ParsedWorkstream] = field(default_factory=list)
    actions: list[ParsedAction] = field(default_factory=list)
    new_departments: list[str] = field(default_factory=list)
    readings: list[StatusReading] = field(default_factory=list)
    unknown_statuses: dict[str, list[int]] = field(default_factory=dict)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    blank_rows: int = 0
    errors: list[ImportProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    as_at: datetime.date | None = None
    as_at_source: str = ""  # how the date was found, for the preview

    @property
    def unrecognised_columns(self) -> list[str]:
        return [
            column.described + (f": {column.note}" if column.note else "")
            for column in self.columns
            if not column.role
        ]

    @property
    def warnings(self) -> list[tuple[int, str]]:
        return [(action.row, text) for action in self.actions for text in action.warnings]

    def summary(self) -> list[str]:
        """Lines for the command line and the preview page."""
        lines = [self._counts(), f"Sheet '{self.sheet}', header on row {self.header_row}."]
        lines.append(self.as_at_line())
        lines += self.notes
        if self.blank_rows:
            lines.append(f"{self.blank_rows} blank row{_s(self.blank_rows)} skipped.")
        by_reason: dict[str, list[int]] = {}
        for row, reason in self.skipped:
            by_reason.setdefault(reason, []).append(row)
        lines += [f"{_rows_text(rows)}: {reason}" for reason, rows in by_reason.items()]
        if self.unrecognised_columns:
            lines.append("Columns not imported: " + "; ".join(self.unrecognised_columns) + ".")
        if self.warnings:
            lines.append(
                f"{len(self.warnings)} row{_s(len(self.warnings))} to look at after the import "
                "(listed with the actions)."
            )
        if self.unknown_statuses:
            listed = "; ".join(
                f"'{_short(text) or 'progress text'}' ({_rows_text(rows).lower()})"
                for text, rows in self.unknown_statuses.items()
            )
            lines.append(f"Statuses to confirm: {listed}.")
        return lines + [problem.message for problem in self.errors]

    def as_at_line(self) -> str:
        if self.as_at is None:
            return (
                "The sheet does not say when it reports as at: its statuses will be dated "
                "the day they are imported. Choose the date if it reports an earlier period."
            )
        return f"Statuses are recorded as at {self.as_at:%-d %B %Y} ({self.as_at_source})."

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
    if len(rows) > 12:
        return f"Rows {', '.join(str(row) for row in rows[:10])} and {len(rows) - 10} more"
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


def _lines(*parts: str) -> str:
    """The parts that say something, one to a line."""
    return "\n".join(part for part in parts if part)


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


def parse_plan(
    table: Table,
    header: Layout,
    council: Council,
    *,
    status_map: dict | None = None,
    as_at: datetime.date | None = None,
    accept_suggestions: bool = False,
    filename: str = "",
) -> ParsedPlan:
    """Read the rows below the header into workstreams and actions of `council`'s plan.

    `status_map` says what the status readings mean: its key (the words as written) -> a
    Status, None (no status: keep the words), or BY_RAG / BY_WORDS (each row's RAG or
    words). `accept_suggestions` takes the importer's suggestion for every reading not in
    the map. `as_at` is the day the sheet reports as at, if the person chose one."""
    reader = _PlanReader(table, header, council, status_map, accept_suggestions)
    parsed = reader.read()
    parsed.filename = filename
    _find_as_at(parsed, table, header, council, as_at)
    _read_history(parsed, table, header, council)
    return parsed


def _find_as_at(parsed: ParsedPlan, table: Table, header: Layout, council: Council, chosen) -> None:
    texts = [
        ("the header", column.header)
        for role in ("commentary", "status", "rag", "percent")
        for column in header.columns
        if column.role == role and column.header
    ]
    texts += _title_texts(table, header)
    if parsed.filename:
        texts.append(("the file name", PurePath(parsed.filename).stem.replace("_", " ")))
    period = _period(texts, council)
    if chosen is not None:
        if chosen != period.as_at:
            parsed.as_at, parsed.as_at_source = chosen, "the date you chose"
            return
        period.unresolved = ""
    parsed.as_at, parsed.as_at_source = period.as_at, period.source
    if period.as_at is not None and period.as_at > timezone.localdate():
        parsed.notes.append(
            f"The sheet reports as at {period.as_at:%-d %B %Y}, which is in the future: its "
            "statuses will be dated today instead. Choose the date if that is wrong."
        )
        parsed.as_at, parsed.as_at_source = None, ""
    if period.unresolved:
        parsed.notes.append(
            f"{period.unresolved[0].upper()}{period.unresolved[1:]}: choose the date."
        )


def _title_texts(table: Table, header: Layout) -> list[tuple[str, str]]:
    """The words above the header and the sheet's name: where a sheet names its period."""
    texts = [
        ("the title", value)
        for row in table.rows[: header.position]
        for _, value in row.filled()
        if isinstance(value, str)
    ]
    return [*texts, ("the sheet name", table.sheet)]


def _period(texts: list[tuple[str, str]], council: Council):
    """The period the texts name, read with the council's financial calendar."""
    fy_start = council.financial_year_start_month
    return find_period(
        texts,
        quarter_end=lambda year, n: quarter_end(year, n, fy_start),
        financial_year_of=lambda day: financial_year_of(day, fy_start),
    )


def _read_history(parsed: ParsedPlan, table: Table, header: Layout, council: Council) -> None:
    """Earlier periods' columns ("Q1 update" beside "Q3 update"): each is kept as the update
    of the period its header names, dated at that period's end. Their statuses are kept only
    when they are exactly the council's words; other words and RAG letters stay in the
    update's commentary as written, since nobody has confirmed what they mean."""
    columns = [c for c in header.columns if c.role == "history"]
    if not columns:
        return
    titles = _title_texts(table, header)
    latest = parsed.as_at or timezone.localdate()
    days: dict[int, datetime.date] = {}
    kinds = {column.index: column.history_of or "commentary" for column in columns}
    for column in columns:
        period = _period([("the header", column.header), *titles], council)
        if period.as_at is None or period.as_at >= latest:
            parsed.notes.append(
                f"Column {column.letter} (“{column.header}”) does not say which earlier "
                "period it reports, so it was not imported: give it a role to keep it."
            )
            continue
        days[column.index] = period.as_at
    labels = {_fold(status.label): status for status in council.statuses.all()}
    for action in parsed.actions:
        by_day: dict[datetime.date, dict] = {}
        for index, value in action.history_cells.items():
            if index not in days:
                continue
            entry = by_day.setdefault(days[index], {"status": None, "percent": None, "words": []})
            kind = kinds[index]
            text = _block(value)
            if kind == "percent" and (number := percent_of(_one_line(value))) is not None:
                entry["percent"] = number
            elif kind == "status" and _fold(text) in labels:
                entry["status"] = labels[_fold(text)]
            elif kind in ("status", "rag"):
                entry["words"].append(f"{'RAG' if kind == 'rag' else 'Status'}: {text}")
            elif text:
                entry["words"].append(text)
        action.history = [
            HistoryEntry(day, e["status"], e["percent"], "\n".join(e["words"]))
            for day, e in sorted(by_day.items())
            if e["status"] or e["percent"] is not None or e["words"]
        ]
    if days:
        listed = ", ".join(
            f"{c.letter} ({days[c.index]:%-d %B %Y})" for c in columns if c.index in days
        )
        parsed.notes.append(
            f"Earlier periods' progress is kept as those periods' updates: {listed}."
        )


@dataclass
class _Line:
    kind: str  # "heading" or "action"
    row: Row


class _PlanReader:
    def __init__(
        self,
        table: Table,
        header: Layout,
        council: Council,
        status_map: dict | None,
        accept_suggestions: bool,
    ) -> None:
        self.table = table
        self.header = header
        self.council = council
        self.column = {}
        for column in header.columns:
            if column.role:
                self.column.setdefault(column.role, column.index)
        self.many = {
            role: header.indexes_of(role)
            for role in (
                "lead",
                "description",
                "partners",
                "wards",
                "outcomes",
                "measures",
                "commentary",
            )
        }
        self.groups = header.indexes_of("group")
        self.history_columns = header.indexes_of("history")
        self.headers = {column.index: column.header for column in header.columns}
        self.header_words = {i: normalise_header(text) for i, text in header.texts.items()}
        self.repeated_header: dict[int, bool] = {}
        self.first_column = min(header.roles) if header.roles else 0
        self.parsed = ParsedPlan(
            sheet=table.sheet,
            header_row=header.row,
            fields={role for role in header.roles.values() if role != "ignore"},
            letters={
                role: get_column_letter(index + 1)
                for role, index in reversed(list(self.column.items()))
            },
            columns=list(header.columns),
            notes=list(table.notes),
        )
        self.leads = _LeadReader(council)
        self.statuses = _StatusReader(council, status_map, accept_suggestions)
        self.current: ParsedWorkstream | None = None
        self.deadlines: dict[Cell, ParsedDeadline] = {}
        self.grouped: dict[tuple[str, ...], ParsedWorkstream] = {}

    def read(self) -> ParsedPlan:
        lines = self._classify(self.table.rows[self.header.position + 1 :])
        for line in lines:
            if line.kind == "heading":
                self._add_heading(line.row)
            else:
                self._add_action(line.row)
        self.parsed.new_departments = self.leads.new
        self.parsed.skipped.sort()
        self.statuses.finish(self.parsed)
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
        first = filled[0][1]
        only = first if len(filled) == 1 else None
        if isinstance(only, str) and _NOTE.match(only):
            return self._skip(row, NOTE)
        if isinstance(first, str):
            if _TOTALS.match(first):
                return self._skip(row, TOTALS)
            labelled = _FOOTER_LABEL.match(first)  # "Key:", "Source:" starting the row
            if labelled or (
                _FOOTER.match(first) and (len(filled) == 1 or not self._has_title_text(row, first))
            ):
                return self._skip(row, FOOTER)
        if self._is_heading(filled):
            return "heading"
        if not _one_line(row.get(self.column["title"])):
            return self._skip(row, NO_TITLE)
        return "action"

    def _has_title_text(self, row: Row, first: str) -> bool:
        """A footer word starting a real action's title ("Source new funding") is a title."""
        title = row.get(self.column["title"])
        return isinstance(title, str) and title is not first and len(title.split()) > 3

    def _skip(self, row: Row, reason: str) -> None:
        self.parsed.skipped.append((row.number, reason))

    def _is_repeated_header(self, row: Row) -> bool:
        """The header again (printed at the top of each page). Asked twice of each row."""
        known = self.repeated_header.get(row.number)
        if known is None:
            filled = row.filled()
            words = self.header_words
            known = len(filled) >= 2 and len(filled) * 2 >= len(words)
            known = known and all(
                isinstance(value, str) and normalise_header(value) == words.get(i, "")
                for i, value in filled
            )
            self.repeated_header[row.number] = known
        return known

    def _is_heading(self, filled: list[tuple[int, str | datetime.date]]) -> bool:
        if len(filled) != 1:
            return False
        index, value = filled[0]
        if self.groups and index in self.groups:
            return False  # a group cell on a row of its own: an action with no title
        return index <= self.first_column and isinstance(value, str) and not REFERENCE.match(value)

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

    def _grouped_workstream(self, row: Row) -> ParsedWorkstream | None:
        """The workstream one or two group columns name. A blank top-level cell means no
        workstream; a blank second-level cell, the top-level group itself. Our own export's
        "Objective 1: To consider…" or "Strand > Objective" finds the heading it names."""
        names = [self._group_name(row, index) for index in self.groups]
        if not names or not names[0]:
            return self.current if not self.groups else None
        if len(names) == 1 and (found := self._heading_named(names[0])) is not None:
            return found
        parent = None
        path: tuple[str, ...] = ()
        for name in names:
            if not name:
                break
            path += (_fold(name),)
            if path not in self.grouped:
                self.grouped[path] = self._workstream(row.number, name, parent=parent)
            parent = self.grouped[path]
        return parent

    def _group_name(self, row: Row, index: int) -> str:
        """A group cell's words; a bare number gets its column's name ("Procurement ID 2")."""
        name = _one_line(row.get(index))
        if name and re.fullmatch(r"\d{1,4}[a-z]?\.?", name):
            return f"{self.headers[index]} {name.rstrip('.')}".strip()
        return name

    def _heading_named(self, text: str) -> ParsedWorkstream | None:
        wanted = {_fold(text), _fold(text.split(">")[-1])}
        for workstream in self.parsed.workstreams:
            if wanted & {_fold(workstream.title), _fold(str(workstream))}:
                return workstream
        return None

    # Actions

    def _add_action(self, row: Row) -> None:
        action = ParsedAction(row=row.number, title=_one_line(self._value(row, "title")))
        action.reference = _one_line(self._value(row, "reference"))
        action.workstream = self._grouped_workstream(row) if self.groups else self.current
        if action.workstream is not None:
            action.workstream.action_count += 1
        action.description = self._joined(row, "description", bullets=True)
        action.outcomes = self._joined(row, "outcomes", bullets=True)
        action.measures_text = self._joined(row, "measures", bullets=True)
        action.priority = _one_line(self._value(row, "priority"))
        action.partners_note = self._joined(row, "partners")
        action.wards = _unique(
            name for index in self.many["wards"] for name in _split_list(_as_text(row.get(index)))
        )
        for name, pattern in _AIMS.items():
            setattr(action, name, bool(pattern.search(action.outcomes)))
        self._read_lead(action, row)
        self._read_deadline(action, row)
        self._read_percent(action, row)
        self._read_completion(action, row)
        self._read_updated(action, row)
        self._read_status(action, row)
        self._read_key(action, row)
        for index in self.history_columns:
            if row.get(index) is not None:
                action.history_cells[index] = row.get(index)
        self._check_lengths(action)
        self.parsed.actions.append(action)

    def _value(self, row: Row, name: str) -> Cell:
        return row.get(self.column.get(name))

    def _joined(self, row: Row, role: str, *, bullets: bool = False) -> str:
        indexes = self.many[role]
        if len(indexes) < 2:  # most sheets: one column or none
            return _block(row.get(indexes[0]), bullets=bullets) if indexes else ""
        parts = [_block(row.get(index), bullets=bullets) for index in indexes]
        return "\n\n".join(part for part in parts if part)

    def _error(self, row: int, column: str | None, text: str) -> None:
        self.parsed.errors.append(ImportProblem.at(row, column, text))

    def _read_lead(self, action: ParsedAction, row: Row) -> None:
        departments, officers = [], []
        for index in self.many["lead"]:
            names, officer = self.leads.read(_block(row.get(index)))
            departments += names
            if officer:
                officers.append(officer)
        action.departments = _unique(departments)
        action.lead_officer_title = _one_line(self._value(row, "lead_officer")) or ", ".join(
            officers
        )

    def _read_deadline(self, action: ParsedAction, row: Row) -> None:
        value = self._value(row, "deadline")
        if value is None:
            return
        if isinstance(value, str) and (day := date_of(value)) is not None and value.isdigit():
            value = day  # an Excel serial number stored as a plain number
        action.deadline_value = value
        # Plans repeat their deadlines ("March 2017"): each wording is read once.
        if value not in self.deadlines:
            fy_start = self.council.financial_year_start_month
            self.deadlines[value] = parse_deadline(value, fy_start_month=fy_start)
        action.deadline = self.deadlines[value]

    def _read_completion(self, action: ParsedAction, row: Row) -> None:
        value = self._value(row, "completion_date")
        if value is None:
            return
        day = date_of(value)
        if day is not None:
            action.completed_on, action.done = day, True
        elif isinstance(value, str) and _DONE_WORDS.match(value.strip()):
            action.done = True
        else:
            action.warnings.append(
                f"the completion date '{_short(str(value), 40)}' is not a date, so the action "
                "is not marked complete"
            )

    def _read_updated(self, action: ParsedAction, row: Row) -> None:
        value = self._value(row, "last_updated")
        if value is None:
            return
        day = date_of(value)
        if day is not None and day <= timezone.localdate():
            action.updated_on = day
        elif isinstance(value, str):
            # A note where a date was expected ("Awaiting 2023 data") is still said.
            header = self.headers[self.column["last_updated"]]
            note = f"{header.strip() or 'Updated'}: {_block(value)}"
            action.commentary = _lines(action.commentary, note)

    def _read_status(self, action: ParsedAction, row: Row) -> None:
        text = _block(self._value(row, "status"))
        rag_cell = _one_line(self._value(row, "rag"))
        action.rag = rag_of(rag_cell) or ""
        if rag_cell and not action.rag:
            action.warnings.append(f"'{_short(rag_cell, 30)}' is not a RAG colour (R, A, G, B)")
        comment = self._joined(row, "commentary")
        if action.commentary:
            comment = _lines(comment, action.commentary)
        self.statuses.read(action, text, rag_cell, comment, done=action.done)

    def _read_percent(self, action: ParsedAction, row: Row) -> None:
        text = _one_line(self._value(row, "percent"))
        if not text:
            return
        action.percent = percent_of(text)
        if action.percent is None:
            action.bad_fields.add("percent")
            self._error(
                row.number,
                self.parsed.letters["percent"],
                f"'{_short(text, 40)}' is not a % complete: enter a number from 0 to 100.",
            )

    def _read_key(self, action: ParsedAction, row: Row) -> None:
        text = _one_line(self._value(row, "key"))
        if text.isascii() and text.isdigit():
            action.key = int(text)
        elif text:
            action.bad_fields.add("key")
            self._error(row.number, self.parsed.letters["key"], f"'{text}' is not an Action ID.")

    def _check_lengths(self, action: ParsedAction) -> None:
        # The database's limits, so a long cell is reported here rather than failing later.
        checks = [
            ("title", action.title, 500, "title"),
            ("reference", action.reference, 30, "reference"),
            ("priority", action.priority, 300, "priority"),
            ("lead", action.lead_officer_title, 300, "lead officer"),
            ("deadline", action.deadline.text, 500, "deadline"),
            *(("lead", name, 200, "department name") for name in action.departments),
            *(("wards", name, 200, "ward name") for name in action.wards),
        ]
        for name, value, limit, what in checks:
            if len(value) > limit:
                column = self.parsed.letters.get(name)
                text = f"the {what} is {len(value)} characters; the limit is {limit}."
                self._error(action.row, column, text)


# Status cells -----------------------------------------------------------------------------

# What councils write, whatever their own vocabulary calls it: the kind of status each means.
COMMON_WORDING: dict[str, str] = {
    "complete": "complete|completed|achieved|done|delivered|finished|implemented|met"
    "|fully achieved|fully implemented|closed - complete|completed/closed|blue",
    "on_target": "on track|on target|on schedule|green|in progress|ongoing|started|progressing"
    "|on course|good progress|in hand|going well|underway|under way|progressing well"
    "|no issues|not yet complete|nearing completion|near completion|almost complete"
    "|partially complete|partly complete|continuing|live|active|in place",
    "amber": "under control|minor issues|some issues|some slippage|slight delay|at risk"
    "|minor slippage|some concerns|amber|partially achieved|partly achieved|minor delay"
    "|issues|concerns|risk|slipping|some delay",
    "red": "behind schedule|behind|slipped|slippage|delayed|off track|off target"
    "|significant issues|major issues|not on track|overdue|not achieved|missed|red"
    "|serious concerns|stalled|significant delay|significantly delayed|failed|late",
    "not_started": "pending|not started|yet to start|not yet started|due to start|to start"
    "|planned|not due to start|not commenced|not yet commenced|not yet due|future|scheduled"
    "|not yet begun|awaiting start|grey|gray",
    "closed": "suspended|deferred|deleted|on hold|withdrawn|cancelled|canceled|dropped"
    "|superseded|no longer required|closed|stopped|paused|not applicable|n/a|merged|removed"
    "|discontinued|abandoned",
}
# Words that say work goes on but not whether it is on track.
_NEUTRAL = frozenset(
    {"in progress", "ongoing", "started", "progressing", "underway", "under way", "continuing"}
    | {"live", "active", "in place", "not yet complete"}
)
# "See comments": a pointer to the commentary beside it, not words of its own.
_POINTER = re.compile(
    r"^(?:see|refer to|as per)\s+(?:the\s+)?(?:comments?|commentary|notes?|below|above|update"
    r"|progress|narrative)\.?$",
    re.I,
)
_KIND_OF = {word: kind for kind, words in COMMON_WORDING.items() for word in words.split("|")}
_WORDS_INSIDE = sorted(_KIND_OF, key=len, reverse=True)
_WORDS_INSIDE_RE = re.compile(
    r"\b(?:" + "|".join(re.escape(word) for word in _WORDS_INSIDE if len(word) > 3) + r")\b",
    re.I,
)
_KIND_OF_RAG = {
    "red": "red",
    "amber": "amber",
    "green": "on_target",
    "blue": "complete",
    "grey": "not_started",
}
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


class _StatusReader:
    """Matches what each row says about status to the council's vocabulary: exactly (then
    it is the status), else through common wording, the row's RAG or words inside a longer
    cell (then it is a suggestion, for a person to confirm)."""

    def __init__(self, council: Council, status_map: dict | None, accept: bool) -> None:
        statuses = list(council.statuses.order_by("order", "label"))
        self.statuses = statuses
        self.by_pk = {str(status.pk): status for status in statuses}
        # Longest first, so "Achieved or on target" wins over a shorter label it starts with.
        self.labels = sorted(statuses, key=lambda status: len(status.label), reverse=True)
        self.by_kind = {kind: _status_of_kind(statuses, kind) for kind in COMMON_WORDING}
        self.mapping = {
            _fold(key): value for key, value in (status_map or {}).items() if key is not None
        }
        self.prefixes = sorted(
            ((str(key).strip(), value) for key, value in (status_map or {}).items() if key),
            key=lambda pair: -len(pair[0]),
        )
        self.accept = accept
        self.readings: dict[str, StatusReading] = {}
        self.rows: list[tuple[ParsedAction, str]] = []

    # Reading each row

    def read(
        self, action: ParsedAction, text: str, rag_cell: str, comment: str, *, done: bool
    ) -> None:
        action.commentary = comment
        if done:
            action.status = action.suggestion = self.by_kind["complete"]
            if action.status is None:
                action.warnings.append(f"{_no_status('complete')}: it is not marked complete")
            action.commentary = _lines(text, comment)
            return
        if text:
            # The person's mapping of the words it starts with, or the council's own word.
            found = self._mapped(text) or self._exact(text)
            if found is not None:
                action.status, rest = found
                action.suggestion = action.status
                action.commentary = _lines(rest, comment)
                return
            self._reading(action, text, text, comment, rag_cell)
        elif action.rag:
            self._reading(action, f"RAG: {rag_cell}", "", comment, rag_cell)
        elif comment:
            self._reading(action, "", "", comment, "")

    def _mapped(self, text: str) -> tuple[Status | None, str] | None:
        """A person's mapping of words a cell starts with ("Due to start" for "Due to
        start, see note"); the whole cell's words are a reading of their own."""
        for key, value in self.prefixes:
            rest = _rest_after(text, key)
            if rest is None or not rest:
                continue
            if value is None or not isinstance(value, Status):
                return None, text
            return value, rest if _fold(key) in _KIND_OF else text
        return None

    def _exact(self, text: str) -> tuple[Status, str] | None:
        for status in self.labels:
            rest = _rest_after(text, status.label)
            if rest is not None:
                return status, rest
        return None

    def _reading(
        self, action: ParsedAction, key: str, text: str, comment: str, rag_cell: str
    ) -> None:
        """A row whose status needs confirming: record the reading it belongs to."""
        action.status_text = text
        action.reading = key
        kind, rest = self._common(text) if text else (None, "")
        if kind == "on_target" and action.rag and _fold(text.split(",")[0]) in _NEUTRAL:
            kind = None  # "Ongoing" says work goes on, not how well: the row's RAG says that
        if kind is not None:
            suggested = self._choice_for(kind)
            how = "common wording"
            action.commentary = _lines(rest, comment)
        elif action.rag and not text:
            # A RAG letter with no status word: the council's status of that colour.
            suggested = self._choice_for(_KIND_OF_RAG[action.rag])
            how = "the RAG colour"
            action.commentary = comment
        elif action.rag:
            suggested, how = BY_RAG, "the RAG in the same row"
            # A status word ("Ongoing") is said by the status itself; other words are kept.
            words = "" if _fold(text) in _KIND_OF or _POINTER.match(text) else text
            action.commentary = _lines(words, comment)
        else:
            suggested, how = BY_WORDS, "words in the cell" if text else "words in the progress text"
            action.commentary = _lines(text, comment)
        reading = self.readings.get(_fold(key))
        if reading is None:
            reading = StatusReading(key=key, rows=[], suggested=suggested, how=how)
            reading.suggestion = self.by_pk.get(suggested)
            self.readings[_fold(key)] = reading
        reading.rows.append(action.row)
        self.rows.append((action, text))

    def _common(self, text: str) -> tuple[str | None, str]:
        folded = _fold(text)
        if folded in _KIND_OF:
            return _KIND_OF[folded], ""
        if (colour := rag_of(text)) is not None:
            return _KIND_OF_RAG[colour], ""
        for token in ("r", "a", "g", "b"):
            rest = _rest_after(text, token, words=False)
            if rest is not None:
                return _KIND_OF_RAG[rag_of(token)], rest
        for word in _WORDS_INSIDE:
            rest = _rest_after(text, word, words=len(word) > 3)
            if rest is not None and len(word) > 1:
                return _KIND_OF[word], rest
        return None, ""

    def _choice_for(self, kind: str) -> str:
        status = self.by_kind.get(kind)
        return str(status.pk) if status is not None else NO_STATUS

    # Once every row is read: what each reading means, per row

    def finish(self, parsed: ParsedPlan) -> None:
        parsed.readings = list(self.readings.values())
        readings = {_fold(r.key): r for r in parsed.readings}
        for action, text in self.rows:
            reading = readings[_fold(action.reading)]
            action.suggestion = self._resolve(reading.suggested, action, text)
        for reading in parsed.readings:
            suggests = any(
                action.suggestion is not None
                for action, _ in self.rows
                if _fold(action.reading) == _fold(reading.key)
            )
            if not suggests:
                # Nothing to suggest: a status word waits for the person's choice; progress
                # text that says nothing of status is kept as words, with no status.
                reading.suggested = "" if reading.key != "" else NO_STATUS
            reading.chosen = self._chosen(reading)
            if reading.chosen is None and reading.key == "" and not suggests:
                reading.chosen = NO_STATUS  # progress text saying nothing of status: kept as words
            if reading.chosen is None:
                parsed.unknown_statuses[reading.key] = reading.rows
        for action, text in self.rows:
            reading = readings[_fold(action.reading)]
            if reading.chosen is not None:
                action.status = self._resolve(reading.chosen, action, text)
        for action in parsed.actions:
            effective = action.status or action.suggestion
            if (
                effective is not None
                and effective.rag in ("red", "amber")
                and not action.commentary
            ):
                action.warnings.append(
                    f"{effective.label} ({effective.get_rag_display().lower()}) with no "
                    "commentary: add why it is behind after the import"
                )

    def _chosen(self, reading: StatusReading) -> str | None:
        key = _fold(reading.key)
        if key not in self.mapping:
            key = "#" + reading_token(reading.key)
        if key in self.mapping:
            value = self.mapping[key]
            if value is None:
                return NO_STATUS
            if isinstance(value, Status):
                return str(value.pk)
            return str(value)
        if self.accept:
            return reading.suggested or None
        return None

    def _resolve(self, choice: str, action: ParsedAction, text: str) -> Status | None:
        if choice == BY_RAG:
            return self.by_kind.get(_KIND_OF_RAG.get(action.rag, ""))
        if choice == BY_WORDS:
            words = text or action.commentary
            match = _WORDS_INSIDE_RE.search(words)
            if match is None:
                return self.by_kind.get(_KIND_OF_RAG.get(action.rag, "")) if action.rag else None
            return self.by_kind.get(_KIND_OF[match[0].casefold()])
        return self.by_pk.get(choice)


def _status_of_kind(statuses: list[Status], kind: str) -> Status | None:
    """The council's status for a kind of status: its first complete one, its first green
    started one for on target, and so on; None if the vocabulary has none."""
    open_ = [s for s in statuses if not s.is_complete and not s.is_closed]
    tests = {
        "complete": [lambda s: s.is_complete],
        "on_target": [
            lambda s: s in open_ and s.rag == "green" and s.is_started,
            lambda s: s in open_ and s.rag == "green",
        ],
        "amber": [
            lambda s: s in open_ and s.rag == "amber",
            lambda s: s in open_ and s.rag == "red",
        ],
        "red": [lambda s: s in open_ and s.rag == "red", lambda s: s in open_ and s.rag == "amber"],
        "not_started": [lambda s: s in open_ and not s.is_started],
        "closed": [lambda s: s.is_closed and not s.is_complete],
    }[kind]
    for test in tests:
        found = next((s for s in statuses if test(s)), None)
        if found is not None:
            return found
    return None


def _no_status(kind: str) -> str:
    return f"the council's vocabulary has no {kind.replace('_', ' ')} status"


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
        for part in re.split(r"[;\n]|\s+/\s+|(?<=[a-z])/(?=[A-Z])", text):
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
                in_list = len(pieces) > 1 and start == len(pieces) - 1
                parts = _split_and(pieces[start], self.known, in_list=in_list)
                names += [self._name(part) for part in parts]
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


def _split_and(piece: str, known: dict[str, str], *, in_list: bool) -> list[str]:
    """Where "and" or "&" separates departments. Councils name departments with "and" in
    them ("Housing and Community Services", "Environment & Regeneration"), so a bare "X and
    Y" stays one name unless both are departments the council has; the last piece of a list
    ("City Development, HR and Procurement") splits between capitalised names."""
    parts = _AND.split(piece)
    names = [parts[0]]
    for joiner, part in zip(parts[1::2], parts[2::2], strict=True):
        both_known = names[-1].strip().casefold() in known and part.strip().casefold() in known
        listed = in_list and names[-1][:1].isupper() and part[:1].isupper()
        if both_known or listed:
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
    """Create a draft plan from `parsed`, all or nothing, in bulk: the query count grows
    with the workstreams, not the rows. What the sheet says of each action's progress is
    recorded as one update by `by`, dated as at the period the sheet reports on (or, for a
    completed action, its completion date). A dry run does everything, then rolls back and
    returns None."""
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
        plan.council = council
        workstreams = _create_workstreams(parsed, plan, by)
        departments = _get_or_create(Department, council, _names(parsed, "departments"))
        wards = _get_or_create(Ward, council, _names(parsed, "wards"))
        rows, reports = _action_rows(parsed, workstreams)
        insert_rows(Action, rows, same={"plan_id": plan.pk, "version": 1})
        # The new plan's actions are numbered 1, 2, 3 ... in sheet order: their ids by that.
        ids_by_order = dict(Action.objects.filter(plan=plan).values_list("order", "pk"))
        action_ids = [ids_by_order[row["order"]] for row in rows]
        _history_of_new_rows(Action, plan, by)
        _link(parsed, action_ids, departments, wards)
        record_imported_history(
            [
                ImportedUpdate(action_id, e.status, e.percent, e.commentary, e.day)
                for row, action_id in zip(parsed.actions, action_ids, strict=True)
                for e in row.history
            ],
            council,
            by=by,
            author_title=_imported_by(by, parsed.filename),
        )
        record_imported_updates(
            plan, reports, council, by=by, author_title=_imported_by(by, parsed.filename)
        )
        if dry_run:
            transaction.set_rollback(True)
            return None
    return plan


def _history_of_new_rows(model, plan: Plan, by: User | None) -> None:
    """The audit history's first entry ("created") for every row of `model` the import just
    made for `plan`, copied by the database in one statement: the same row
    simple_history's bulk_create_with_history writes, without building each in Python."""
    history = model.history.model
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in model._meta.concrete_fields)
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({columns}, history_date, history_type, "
        f"history_user_id, history_change_reason) SELECT {columns}, %s, '+', %s, NULL "
        f"FROM {quote(model._meta.db_table)} WHERE plan_id = %s"
    )
    with connection.cursor() as cursor:
        when = connection.ops.adapt_datetimefield_value(timezone.now())
        cursor.execute(sql, [when, by.pk if by is not None else None, plan.pk])


def _imported_by(by: User | None, filename: str) -> str:
    who = by.display_name() if by is not None else ""
    source = f"imported from {PurePath(filename).name}" if filename else "imported"
    return f"{who} ({source})" if who else source[0].upper() + source[1:]


def _refuse_unready(parsed: ParsedPlan) -> None:
    if parsed.errors:
        raise ImportProblem.combine(
            "Nothing was imported. Correct these and try again:", parsed.errors
        )
    if parsed.unknown_statuses:
        problems = [
            ImportProblem(
                f"'{_short(text) or 'progress text'}' ({_rows_text(rows).lower()})", row=rows[0]
            )
            for text, rows in parsed.unknown_statuses.items()
        ]
        raise ImportProblem.combine(
            "Nothing was imported: confirm which status each of these means (or none):",
            problems,
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
    new = [model(council=council, name=name) for name in names if name.casefold() not in existing]
    if new:
        model.objects.bulk_create(new)
        existing = {obj.name.casefold(): obj for obj in model.objects.filter(council=council)}
    return existing


def _create_workstreams(parsed: ParsedPlan, plan: Plan, by: User | None) -> dict[int, Workstream]:
    """Workstreams level by level (parents first), one bulk write per level."""
    created: dict[int, Workstream] = {}
    order = {id(row): number for number, row in enumerate(parsed.workstreams, start=1)}
    pending = list(parsed.workstreams)
    while pending:
        level = [row for row in pending if row.parent is None or id(row.parent) in created]
        objects = [
            Workstream(
                plan=plan,
                parent=created[id(row.parent)] if row.parent else None,
                reference=row.reference,
                title=row.title,
                order=order[id(row)],
            )
            for row in level
        ]
        bulk_create_with_history(objects, Workstream, batch_size=500, default_user=by)
        created.update({id(row): obj for row, obj in zip(level, objects, strict=True)})
        pending = [row for row in pending if id(row) not in created]
    return created


def _action_rows(
    parsed: ParsedPlan, workstreams: dict[int, Workstream]
) -> tuple[list[dict], list[ImportedUpdate]]:
    """The new actions' rows (for insert_rows), with their current fields set from what the
    sheet reports, and those reports."""
    rows, reports = [], []
    default_day = parsed.as_at or timezone.localdate()
    nothing = {"status_id": None, "status_commentary": "", "percent_complete": None}
    for order, row in enumerate(parsed.actions, start=1):
        workstream = workstreams[id(row.workstream)] if row.workstream else None
        values = {
            "workstream_id": workstream.pk if workstream is not None else None,
            "order": order,
            **{name: getattr(row, name) for name in _ACTION_FIELDS},
            # The deadline as the reader parsed it (the same parse_deadline set_deadline runs).
            "deadline_text": row.deadline.text,
            "deadline_date": row.deadline.date,
            "deadline_precision": row.deadline.precision,
            **nothing,
            "last_updated": None,
        }
        rows.append(values)
        if row.status is None and not row.commentary and row.percent is None:
            if row.history:  # nothing this period: the latest earlier period is its report
                latest = row.history.pop()
                report = ImportedUpdate(
                    None, latest.status, latest.percent, latest.commentary, latest.day
                )
                values.update(imported_state(report))
                reports.append(report)
            continue  # nothing reported
        # Words or a % without a status word are still a report: recorded as one, with no
        # status, so every page and export reads them from the same history.
        day = row.completed_on or (default_day if parsed.as_at else row.updated_on or default_day)
        report = ImportedUpdate(None, row.status, row.percent, row.commentary, day)
        values.update(imported_state(report))
        reports.append(report)
    return rows, reports


def _link(parsed: ParsedPlan, action_ids: list[int], departments: dict, wards: dict) -> None:
    """The lead departments (in order) and wards of the new actions, one write each."""
    insert_rows(
        ActionLead,
        (
            {"action_id": action_id, "department_id": departments[name.casefold()].pk, "order": i}
            for row, action_id in zip(parsed.actions, action_ids, strict=True)
            for i, name in enumerate(row.departments)
        ),
    )
    insert_rows(
        Action.wards.through,
        (
            {"action_id": action_id, "ward_id": wards[name.casefold()].pk}
            for row, action_id in zip(parsed.actions, action_ids, strict=True)
            for name in row.wards
        ),
    )


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
        self.key_column = parsed.letters.get("key")
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
    if row.status is None and row.reading in parsed.unknown_statuses:
        words = _short(row.status_text or row.reading or "", 40)
        change.problems.append(f"status words '{words}' not matched")
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
