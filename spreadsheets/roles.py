"""Which row of a sheet is its header, and what each column holds: its role.

A role comes from the header, read against a broad vocabulary of the words councils use
("Lead Directorate", "Q2 progress", "To be completed/progressed", "Key Objective"); where
the header says nothing the importer knows, it comes from the cells (R/A/G letters, numbers
from 0 to 100, dates, short status words beside long free text). A person can change any
role before anything is saved; a column left without a role is listed, never dropped.

The vocabulary is the action-plan one (ACTION_PLAN); another import (a scrutiny register)
passes its own, and shares the header search, the period words and the wide-layout check.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from openpyxl.utils import column_index_from_string, get_column_letter

from spreadsheets.reading import Cell, ImportProblem, Row, Table

# What each role is called on the preview, in the order the select lists them.
ROLE_LABELS: dict[str, str] = {
    "reference": "Reference",
    "title": "Action title",
    "description": "Description",
    "group": "Group (workstream)",
    "lead": "Lead department or service",
    "lead_officer": "Lead officer",
    "partners": "Partners",
    "wards": "Wards or areas",
    "deadline": "Deadline",
    "status": "Status word",
    "rag": "RAG colour",
    "percent": "% complete",
    "commentary": "Progress commentary",
    "outcomes": "Outcomes",
    "measures": "Measures",
    "priority": "Priority",
    "completion_date": "Completion date",
    "last_updated": "Last updated",
    "key": "Action ID (from an export)",
    "history": "An earlier period's progress (kept as history)",
    "ignore": "Ignore this column",
}
ROLES = tuple(ROLE_LABELS)
# Roles several columns may share: their texts are joined (leads, notes) or nested (groups).
MULTIPLE = frozenset(
    {"lead", "description", "partners", "wards", "outcomes", "measures", "ignore", "group"}
    | {"history"}
)
MAX_GROUPS = 2

# The action-plan vocabulary, strongest first: (role or roles, header words). A header
# matches an entry when, normalised (normalise_header) and with its period words removed
# (period_free: "Progress Q2" -> "progress"), it is one of the words. An entry naming two
# roles gives the second when the first is taken, or when the cells say so (_settle).
_EXACT: list[tuple[tuple[str, ...], str]] = [
    (("key",), "action id"),
    (("ignore",), "deadline date|overdue|deadline overdue"),
    (
        ("last_updated",),
        "last updated|updated|date updated|last update|date of update|date of last update"
        "|last reviewed|date last updated|update date|date of last review|last modified",
    ),
    (
        ("completion_date",),
        "actual completion date|actual completion|date completed|completed on|actual date"
        "|actual end date|date achieved|actual|completed date|date of completion"
        "|actual finish|actual finish date|completion date actual|achieved date|date closed"
        "|completed|done|date done|closed on|achieved on|date delivered|delivered on",
    ),
    (
        ("reference",),
        "ref|ref no|ref number|reference|reference number|reference no|no|number|#|id|item"
        "|item no|item number|action no|action number|action ref|action reference|kpi number"
        "|kpi no|kpi ref|code|action code|indicator ref|line|line no|row|s/n|sn|ref id",
    ),
    (
        ("title",),
        "action|actions|action title|action name|action description|action detail|actions"
        " to be taken|action to be taken|action required|actions required|action relating to"
        "|activity|activities|title|description of action|task|tasks|milestone|milestones"
        "|key milestone|key milestones|deliverable|deliverables|what we will do|what will we do"
        "|what will be done|what we are going to do|initiative|initiatives|intervention"
        "|interventions|key action|key actions|specific action|specific actions|action/activity"
        "|action/task|long name|kpi long name|kpi name|name|we will|action plan item"
        "|measure name|indicator name|detailed action|detailed actions|proposed action"
        "|proposed actions|planned action|planned actions|actions/activities|action point",
    ),
    (("title", "group"), "recommendation|commitment|commitments|project|project name"),
    (
        ("group",),
        "theme|themes|sub theme|sub-theme|subtheme|objective|objectives|key objective"
        "|strategic objective|strategic objectives|corporate objective|strand|strands|sector"
        "|workstream|work stream|workstreams|programme|programmes|goal|goals|aim|aims"
        "|ambition|ambitions|pillar|priority area|priority areas|focus area|area of focus"
        "|category|categories|sub category|sub-category|subcategory|section|corporate priority"
        "|council priority|strategic priority|key priority|key theme|outcome area|work area"
        "|workstream/theme|theme/objective|procurement id|project id|plan|sub-plan|chapter"
        "|heading|key area|area of work|priority theme|strategic theme|strategic aim",
    ),
    (("priority", "group"), "priority|priorities|key priorities|priority level"),
    (("outcomes", "group"), "outcome|outcomes"),
    (
        ("lead",),
        "lead|leads|lead department|lead departments|lead service|lead services"
        "|lead directorate|lead team|lead organisation|lead agency|lead partner|lead body"
        "|lead service area|department|departments|dept|directorate|directorates|service"
        "|services|service area|service areas|team|teams|responsible|responsibility"
        "|responsible department|responsible service|responsible directorate|responsible team"
        "|owner|owners|action owner|action owners|owner/lead|lead/owner|accountable"
        "|accountability|who|who is responsible|who will do it|led by|delivered by|delivery lead"
        "|responsible officer|responsible officers|officer responsible|accountable officer"
        "|responsible person|responsible body|lead role",
    ),
    (
        ("lead_officer",),
        "lead officer|lead officers|officer|officers|lead contact|contact officer"
        "|named officer|contact|officer lead|lead officer/s|senior responsible officer|sro",
    ),
    (
        ("partners",),
        "partners|partner|possible partners|partners/links|key partners|delivery partners"
        "|partner organisations|supporting partners|support|supported by|supporting"
        "|in partnership with|others involved|stakeholders|key stakeholders|links"
        "|other services involved|also involved|collaborators|partner agencies|support from"
        "|contributors|working with",
    ),
    (("wards",), "ward|wards|area|areas|locality|localities|neighbourhood|neighbourhoods"),
    (
        ("deadline",),
        "deadline|deadlines|target date|target dates|target|due|due date|date due|due by"
        "|forecast date|forecasted date|forecast completion|forecast completion date"
        "|to be completed|to be progressed|to be completed by|to be progressed by"
        "|to be completed/progressed|to be completed/progressed by|by when|when|timescale"
        "|timescales|time scale|time scales|timeframe|timeframes|time frame|milestone date"
        "|milestone dates|target completion date|target completion|completion target"
        "|planned completion|planned completion date|planned end date|end date|expected"
        " completion|expected completion date|delivery date|date for completion|by|timing"
        "|target end date|original deadline|deadline for completion|date|completion by"
        "|complete by|revised deadline|revised target date|revised date|target timescale"
        "|delivery timescale|key dates|timeline",
    ),
    (("deadline", "completion_date"), "completion date|completion"),
    (
        ("status",),
        "status|current status|overall status|action status|delivery status|progress status"
        "|status of action|state|stage|progress rating|rating status|overall progress status",
    ),
    (
        ("rag",),
        "rag|rag status|rag rating|rag rated|rating|colour|color|traffic light|traffic lights"
        "|rag score|r/a/g|rag assessment|rag indicator|brag|brag status|brag rating|rag/b",
    ),
    (
        ("percent",),
        "%|% complete|percent complete|percentage complete|complete %|% completed|% progress"
        "|progress %|percentage|% done|% achieved|percent|completion %|% completion"
        "|percentage completed|per cent complete|progress percentage|% delivered|complete",
    ),
    (
        ("commentary",),
        "progress|progress update|progress updates|update|updates|latest update|commentary"
        "|comment|comments|position|current position|position statement|narrative|notes"
        "|note|progress to date|progress made|progress comments|progress commentary"
        "|update on progress|progress narrative|progress report|explanation|remarks"
        "|officer comments|officer update|update/comments|progress/comments|comments/progress"
        "|exception report|reason for status|reason for rating|rag reason|mitigation"
        "|status update|status comments|status commentary|action taken|actions taken"
        "|achievements|progress against action|performance commentary|summary of progress"
        "|what has been achieved|evidence|quarterly update|monthly update|progress notes"
        "|progress summary|update/progress|current progress|latest position|progress/update"
        "|commentary/update|comments/update|lead officer comments|lead officer update",
    ),
    (
        ("measures",),
        "measures|measure|measures/kpi|kpi|kpis|performance measures|performance measure"
        "|success measures|success measure|performance indicators|indicators|indicator"
        "|key performance indicators|how will we measure success|how we will measure success"
        "|how will we know|how will we know we have succeeded|measure of success"
        "|measures of success|targets|target/measure|milestones/measures|evidence of success"
        "|success criteria|kpi/target|measures/targets",
    ),
    (
        ("outcomes",),
        "expected outcomes|expected outcome|intended outcomes|intended outcome|impact"
        "|expected impact|benefits|expected benefits|what difference will it make"
        "|what success looks like|outputs|output|outcomes/outputs|desired outcome"
        "|desired outcomes|anticipated outcomes|result|results",
    ),
    (
        ("description",),
        "description|descriptions|details|detail|further detail|more detail|summary|how"
        "|how will this be achieved|how will we do it|how we will do it|how will it be"
        " delivered|background|rationale|reason|purpose|why|context|method|approach|scope"
        "|what this means|sub actions|steps|key tasks|key steps|reason for kpi|definition"
        "|additional information|further information|info|information",
    ),
    (("priority",), "importance|urgency|rank|ranking|priority rating|high/medium/low"),
    (
        ("ignore",),
        "cabinet member|portfolio|portfolio holder|link|url|web link|lead member"
        "|lead cabinet member|cabinet lead|portfolio lead|lead councillor|member lead"
        "|executive member|responsible member|ward member",
    ),
]

# Headers that match no entry exactly are read by the words in them, in this order.
_CONTAINS: list[tuple[str, str]] = [
    ("key", r"\baction id\b"),
    ("rag", r"\brag\b|\br/a/g\b|traffic light"),
    ("percent", r"%|\bper ?cent|\bpercentage\b"),
    ("commentary", r"\bstatus\b.*\b(?:comments?|update|reason|narrative|commentary)\b"),
    ("status", r"\bstatus\b"),
    ("completion_date", r"\bactual\b.*\b(?:date|completion|completed|end|finish)\b"),
    ("completion_date", r"\b(?:date completed|completed on|date of completion)\b"),
    ("last_updated", r"\b(?:last updated|date updated|last update)\b"),
    (
        "commentary",
        r"\b(?:progress|update|updates|comments?|commentary|position|narrative|notes?"
        r"|remarks|explanation)\b",
    ),
    ("deadline", r"\b(?:deadline|due|target date|timescales?|by when|forecast|end date)\b"),
    ("deadline", r"\bcompletion date\b|\bto be (?:completed|progressed)\b"),
    ("lead_officer", r"\b(?:lead|responsible|accountable|named|contact) officers?\b"),
    (
        "lead",
        r"\b(?:lead|leads|owner|owners|responsib\w*|accountab\w*|directorates?|departments?"
        r"|service|services|service area|teams?)\b",
    ),
    ("partners", r"\bpartner\w*|\bstakeholders?\b|\bsupport(?:ed|ing)?\b"),
    ("wards", r"\bwards?\b"),
    ("measures", r"\b(?:measures?|kpis?|indicators?|targets?)\b(?!.*\bname\b)"),
    ("outcomes", r"\boutcomes?\b|\bimpact\b|\bbenefits?\b"),
    ("title", r"\b(?:actions?|activit(?:y|ies)|tasks?|milestones?|title|name|deliverables?)\b"),
    (
        "group",
        r"\b(?:objectives?|themes?|priorit(?:y|ies)|strands?|workstreams?|goals?|sectors?"
        r"|categor(?:y|ies)|programmes?|pillars?|ambitions?|aims?)\b",
    ),
    ("description", r"\b(?:description|details?|summary|rationale|background)\b"),
    ("reference", r"\b(?:ref|reference|no|number|id|code)\b"),
]


class Vocabulary:
    """Header words -> roles: exact entries (strongest first), then words a header contains.
    Each import has its own; they share the header search (header_row) and its normalising."""

    def __init__(
        self, exact: list[tuple[tuple[str, ...], str]], contains: list[tuple[str, str]] = ()
    ) -> None:
        self.exact: dict[str, tuple[int, tuple[str, ...]]] = {}
        for rank, (roles, words) in enumerate(exact):
            for word in words.split("|"):
                self.exact.setdefault(word, (rank, roles))
        self.contains = [(role, re.compile(pattern)) for role, pattern in contains]
        self.ranks = len(exact)

    def roles_for(self, text: str) -> tuple[int, tuple[str, ...]] | None:
        """(rank, roles) the header's words give, strongest first; None if they say nothing."""
        name = normalise_header(text)
        if not name:
            return None
        for candidate in (name, period_free(name)):
            if candidate in self.exact:
                return self.exact[candidate]
        for rank, (role, pattern) in enumerate(self.contains, start=self.ranks):
            if pattern.search(name):
                return rank, (role,)
        return None

    def role_for(self, text: str) -> str | None:
        found = self.roles_for(text)
        return found[1][0] if found else None


ACTION_PLAN = Vocabulary(_EXACT, _CONTAINS)


def header_row(
    table: Table, vocabulary: Vocabulary, *, required: str, scan: int = 30
) -> tuple[int, dict[int, str]] | None:
    """The first of the first `scan` rows with content whose headers name `required` and at
    least one other role: its position in table.rows and the role of each column (the first
    column for each role). None if there is no such row."""
    rows = [(i, row) for i, row in enumerate(table.rows) if row.filled()][:scan]
    for position, row in rows:
        columns: dict[str, int] = {}
        for index, value in row.filled():
            if isinstance(value, str) and (role := vocabulary.role_for(value)):
                columns.setdefault(role, index)
        if required in columns and len(columns) >= 2:
            return position, {index: role for role, index in columns.items()}
    return None


# Period words in headers and titles: "Q2", "Quarter 2", "2016/17", "July – September 2016".
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_PERIOD_WORDS = re.compile(
    r"\((?:[^()]*)\)|\b(?:q|qtr|quarter)\s*[1-4]\b|\b(?:fy\s*)?(?:19|20)\d\d(?:\s*[/-]\s*\d{2,4})?"
    r"|\b\d{2}\s*/\s*\d{2}\b|\b(?:(?:as )?(?:at|of)\s+)?\d{1,2}(?:st|nd|rd|th)?\s+(?:"
    + _MONTHS
    + r")\b"
    r"|\b(?:" + _MONTHS + r")\b|\b(?:as at|as of|at)\b\s*$|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b",
    re.I,
)


@functools.lru_cache(maxsize=4096)
def normalise_header(text: object) -> str:
    """'Possible partners/ links' -> 'possible partners/links'; 'Ref.' -> 'ref'."""
    text = str(text).replace("\xa0", " ").lower().replace("(s)", "").replace("’", "'")
    text = " ".join(text.split())
    text = re.sub(r"\s*/\s*", "/", text)
    return text.strip(" .:;,*-\u2013\u2014_[]?'\"")


def period_free(name: str) -> str:
    """A normalised header without its period words: 'q2 progress (july-sept)' -> 'progress'."""
    text = _PERIOD_WORDS.sub(" ", name)
    text = re.sub(r"\b(?:as at|as of|at|for|in|to|-|–)\s*$", "", " ".join(text.split()))
    return normalise_header(text)


def roles_for_header(text: str) -> tuple[int, tuple[str, ...]] | None:
    """(rank, roles) an action-plan header's words give, strongest first, or None."""
    return ACTION_PLAN.roles_for(text)


# Reading cells ------------------------------------------------------------------------------

RAG_WORDS = {
    "r": "red", "red": "red", "a": "amber", "amber": "amber", "g": "green", "green": "green",
    "b": "blue", "blue": "blue", "c": "blue", "complete": None,
    "a/r": "red", "r/a": "red", "a/g": "amber", "g/a": "amber", "grey": "grey", "gray": "grey",
}  # fmt: skip
_PERCENT = re.compile(r"^(\d{1,3}(?:\.\d+)?)\s*(%?)$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
_UK_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
EXCEL_EPOCH = datetime.date(1899, 12, 30)
REFERENCE = re.compile(r"^(?:[A-Za-z]{1,4}[ -]?)?\d{1,3}(?:\.\d{1,3}){0,3}[a-z]?[.)]?$")


def rag_of(value: Cell) -> str | None:
    """'R', 'Amber', 'g' -> the RAG colour; anything else None."""
    if not isinstance(value, str):
        return None
    return RAG_WORDS.get(value.strip().strip(".").casefold())


def percent_of(value: Cell) -> int | None:
    """'40', '40%', '40 %' -> 40; '0.4' (a fraction, as Excel stores 40%) -> 40."""
    if not isinstance(value, str):
        return None
    match = _PERCENT.match(value.strip())
    if match is None:
        return None
    number = float(match[1])
    if not match[2] and 0 < number < 1:
        number *= 100
    return round(number) if 0 <= number <= 100 else None


def date_of(value: Cell) -> datetime.date | None:
    """A date cell, an ISO or day/month/year text date, or an Excel serial number."""
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if match := _ISO_DATE.match(text):
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        if match := _UK_DATE.match(text):
            year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
            return datetime.date(year, int(match[2]), int(match[1]))
    except ValueError:
        return None
    if (
        text.isascii() and text.isdigit() and 20000 <= int(text) <= 80000
    ):  # Excel's day count, 1954 to 2119
        return EXCEL_EPOCH + datetime.timedelta(days=int(text))
    return None


# Columns ------------------------------------------------------------------------------------


@dataclass
class Column:
    """One column of the sheet: where it is, its header as written, the role it was given
    and how ("header", "cells" or "chosen" by the person importing), and a few of its cells."""

    index: int
    header: str
    role: str = ""
    how: str = ""
    samples: list[str] = field(default_factory=list)
    note: str = ""
    history_of: str = ""  # for an earlier period's column: what it holds (commentary, RAG...)

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, "Not imported")

    @property
    def examples(self) -> list[str]:
        """Up to three different cells, for the preview."""
        seen: list[str] = []
        for sample in self.samples:
            if sample not in seen:
                seen.append(sample)
            if len(seen) == 3:
                break
        return seen

    @property
    def described(self) -> str:
        return f"{self.header or '(no header)'} (column {self.letter})"


@dataclass
class Layout:
    """The header row (its number, its position in Table.rows) and every column's role."""

    row: int
    position: int
    columns: list[Column]
    notes: list[str] = field(default_factory=list)

    def index_of(self, role: str) -> int | None:
        return next((c.index for c in self.columns if c.role == role), None)

    def indexes_of(self, role: str) -> list[int]:
        return [c.index for c in self.columns if c.role == role]

    @property
    def roles(self) -> dict[int, str]:
        return {c.index: c.role for c in self.columns if c.role}

    @property
    def texts(self) -> dict[int, str]:
        return {c.index: c.header for c in self.columns if c.header}

    @property
    def unmapped(self) -> list[Column]:
        return [c for c in self.columns if not c.role]

    def letter_of(self, role: str) -> str | None:
        index = self.index_of(role)
        return get_column_letter(index + 1) if index is not None else None


HEADER_SCAN_ROWS = 30
NO_HEADER = (
    f"No header row found in the first {HEADER_SCAN_ROWS} rows: expected columns such as "
    "Action, Lead, Deadline, Status"
)
_SAMPLE_ROWS = 200


def find_layout(
    table: Table,
    *,
    chosen: dict[str, str] | None = None,
    status_words: Iterable[str] = (),
) -> Layout:
    """The header row and each column's role. `chosen` maps a header (as written) or a
    column letter to the role a person chose; it wins over everything read. `status_words`
    are the words a status cell may hold (the council's vocabulary and common wording), so
    a column of them is recognised as a status column whatever its header says.

    Raises ImportProblem when no row looks like a header, when the sheet is laid out wide
    (one field repeated across columns), or when no column can hold the action titles; the
    problem carries the columns found, so a person can give them roles."""
    chosen = _choices(chosen or {})
    positions = [i for i, row in enumerate(table.rows) if row.filled()][:HEADER_SCAN_ROWS]
    best: tuple[int, int] | None = None
    for position in positions:
        score = _header_score(table.rows[position], chosen)
        if score >= 2 and (best is None or score > best[0]):
            best = (score, position)
    if best is None:
        # Nothing reads as a header: the first row of two or more words is shown as one, so
        # the problem can name what the sheet has and a person can give its columns roles.
        texts = [p for p in positions if _text_cells(table.rows[p]) >= 2]
        if not texts:
            raise ImportProblem(NO_HEADER)
        best = (0, texts[0])
    position = best[1]
    header_row = table.rows[position]
    body = [row for row in table.rows[position + 1 :] if row.filled()][:_SAMPLE_ROWS]
    words = {_fold(word) for word in status_words}
    columns = [
        Column(index, _header_text(header_row.get(index)), samples=_samples(body, index))
        for index in range(len(header_row.cells))
        if header_row.get(index) is not None or any(row.get(index) is not None for row in body)
    ]
    layout = Layout(header_row.number, position, columns)
    _check_wide(layout)
    _roles_from_headers(layout, body, words)
    _roles_from_cells(layout, body, words)
    _apply_choices(layout, chosen)
    _keep_latest_period(layout)
    if layout.index_of("title") is None:
        found = "; ".join(c.described for c in layout.columns if c.header) or "no headers"
        raise ImportProblem(
            f"No column holds the actions' titles. The header on row {layout.row} has: "
            f"{found}. Say which column is the action (its role: Action title).",
            columns=layout,
        )
    return layout


def _choices(chosen: dict[str, str]) -> dict[str, str]:
    """A person's choices by header ("Notes") and by column letter ("C", as "#2"). A key
    such as "ID" could be either: as a header it is kept under both."""
    found = {}
    for key, role in chosen.items():
        key = str(key).strip()
        if not role or not key:
            continue
        found[normalise_header(key)] = role
        if re.fullmatch(r"[A-Za-z]{1,3}", key):
            found.setdefault(f"#{column_index_from_string(key.upper()) - 1}", role)
    return found


def _chosen_role(column_index: int, header: str, chosen: dict[str, str]) -> str | None:
    """The header's choice first (a column headed "ID"), then the column letter's."""
    if header and normalise_header(header) in chosen:
        return chosen[normalise_header(header)]
    return chosen.get(f"#{column_index}")


def _header_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return " ".join(str(value).split())


def _header_score(row: Row, chosen: dict[str, str]) -> int:
    """How much a row looks like the header: the columns its words give a role, a title
    counting double (a header names the action). Dates and long sentences are not headers."""
    score = 0
    for index, value in row.filled():
        if not isinstance(value, str) or len(value) > 120:
            continue
        role = _chosen_role(index, value, chosen)
        if role is None:
            found = roles_for_header(value)
            role = found[1][0] if found else None
        if role:
            score += 2 if role == "title" else 1
    return score


def _text_cells(row: Row) -> int:
    return sum(1 for _, value in row.filled() if isinstance(value, str) and len(value) <= 120)


def _samples(body: list[Row], index: int) -> list[str]:
    """The column's cells in the table's rows; rows of one cell (headings, a key, a note)
    are not its values, unless that is all the column has."""
    rows = [row for row in body if len(row.filled()) > 1] or body
    return [_header_text(row.get(index)) for row in rows if row.get(index) is not None]


def _fold(text: str) -> str:
    return " ".join(str(text).split()).casefold()


# A sheet laid out wide repeats one field across columns: "Goal 1 | Goal 1 status | Goal 2 ...".
_NUMBERED = re.compile(r"\b(?:no\.?\s*)?\d{1,2}[a-z]?\b")


def _check_wide(layout: Layout) -> None:
    repeated: dict[str, list[Column]] = {}
    for column in layout.columns:
        name = normalise_header(column.header)
        if not name or not _NUMBERED.search(period_free(name)):
            continue
        core = normalise_header(_NUMBERED.sub(" ", period_free(name)))
        if core:
            repeated.setdefault(core, []).append(column)
    wide = [columns for columns in repeated.values() if len(columns) >= 3]
    if wide:
        columns = max(wide, key=len)
        listed = ", ".join(f"{c.letter} (“{c.header}”)" for c in columns[:6])
        raise ImportProblem(
            f"This sheet is laid out wide: columns {listed} repeat one field across the "
            f"sheet, one set of columns per goal or action. The importer reads one action per "
            "row, with one column for each field (Action, Lead, Deadline, Status...). "
            "Rearrange the sheet that way and upload it again.",
            columns=layout,
        )


def _roles_from_headers(layout: Layout, body: list[Row], words: set[str]) -> None:
    """Give each column the strongest role its header names, settling ties: a single role
    goes to the strongest header (then the leftmost); the others take their second role."""
    wanted = []
    for column in layout.columns:
        found = roles_for_header(column.header) if column.header else None
        if found:
            rank, roles = found
            roles = _settle(column, roles, body, words)
            wanted.append((rank, column.index, column, list(roles)))
    taken: dict[str, int] = {}
    for _rank, _index, column, roles in sorted(wanted, key=lambda w: (w[0], w[1])):
        for role in roles:
            limit = MAX_GROUPS if role == "group" else (99 if role in MULTIPLE else 1)
            # Columns for successive periods ("Q1 RAG", "Q3 RAG") all take the role for now:
            # _keep_latest_period keeps the latest and the earlier ones as history.
            name = normalise_header(column.header)
            by_period = role in ("status", "rag", "percent") and name != period_free(name)
            if role == "commentary" or by_period or taken.get(role, 0) < limit:
                column.role, column.how = role, "header"
                taken[role] = taken.get(role, 0) + 1
                break
        else:
            column.note = f"another column is already the {ROLE_LABELS[roles[0]].lower()}"
    _order_groups(layout)
    _officer_beside_department(layout)


def _officer_beside_department(layout: Layout) -> None:
    """ "Responsible Directorate" and "Responsible Officer" side by side: the department and
    the officer. On its own, a responsible officer column is the lead (job titles in a lead
    column name the lead officer and, where they say it, the department)."""
    leads = [c for c in layout.columns if c.role == "lead"]
    if len(leads) < 2 or layout.index_of("lead_officer") is not None:
        return
    for column in leads:
        if re.search(r"\b(?:officer|officers|person|contact)\b", normalise_header(column.header)):
            column.role = "lead_officer"
            return


def _settle(column: Column, roles: tuple[str, ...], body: list[Row], words: set[str]):
    """Let the cells decide between what a header could mean."""
    values = [v for v in column.samples if v]
    if not values:
        return roles
    distinct = len({_fold(v) for v in values})
    repeats = len(values) >= 4 and distinct * 2 <= len(values)
    first = roles[0]
    if first == "reference" and repeats:
        return ("group", "reference")  # "Procurement ID 1, 1, 1, 2, 2": groups, not references
    if first in ("priority", "outcomes", "title") and "group" in roles:
        if first == "priority" and _mostly(values, _is_priority_word):
            return ("priority",)
        return ("group", first) if repeats else (first, "group")
    if first == "group" and not repeats and distinct >= 5 and _average_length(values) > 60:
        return ("group", "description")
    if first == "status":
        if _mostly(values, lambda v: rag_of(v) is not None):
            return ("rag",)
        if _average_length(values) > 60 and not _mostly(values, lambda v: _fold(v) in words):
            return ("commentary",)
    if first == "rag" and not _mostly(values, lambda v: rag_of(v) is not None):
        return ("status", "rag")  # "Green - on track": a status cell that starts with a colour
    if first == "commentary" and _mostly(values, lambda v: _fold(v) in words):
        return ("status", "commentary")
    return roles


def _order_groups(layout: Layout) -> None:
    """Of three or more group columns only the two leftmost are groups; notes say so, and
    which of two is the top level."""
    groups = [c for c in layout.columns if c.role == "group"]
    for extra in groups[MAX_GROUPS:]:
        extra.role, extra.how = "", ""
        extra.note = "only two columns can group the actions"
    if len(groups) >= 2:
        top, sub = groups[:2]
        top.note = top.note or "the top level"
        sub.note = sub.note or f"groups within column {top.letter}"


_PRIORITY_WORDS = re.compile(
    r"^(?:high|medium|med|low|h|m|l|critical|essential|desirable|[1-5]|p[1-5]|top|urgent"
    r"|very high|very low|normal)$",
    re.I,
)


def _is_priority_word(value: str) -> bool:
    return bool(_PRIORITY_WORDS.match(value.strip()))


def _mostly(values: list[str], test) -> bool:
    return bool(values) and sum(1 for v in values if test(v)) * 5 >= len(values) * 4


def _average_length(values: list[str]) -> float:
    return sum(len(v) for v in values) / len(values) if values else 0.0


def _roles_from_cells(layout: Layout, body: list[Row], words: set[str]) -> None:
    """Columns whose header says nothing known: their cells decide."""
    has = {c.role for c in layout.columns if c.role}
    title = layout.index_of("title")
    # Heading rows (one cell filled) are not a column's values.
    table_rows = [row for row in body if len(row.filled()) > 1]
    for column in layout.columns:
        if column.role:
            continue
        values = [v for v in column.samples if v]
        in_rows = [
            _header_text(row.get(column.index)) for row in table_rows if row.get(column.index)
        ]
        raw = [row.get(column.index) for row in body if row.get(column.index) is not None]
        if not values:
            continue
        role = None
        if _mostly(values, lambda v: rag_of(v) is not None) and "rag" not in has:
            role = "rag"
        elif _mostly(values, lambda v: _fold(v) in words) and "status" not in has:
            role = "status"
        elif _mostly(raw, lambda v: date_of(v) is not None):
            role = "deadline" if "deadline" not in has else _second_date(layout, column, raw)
        elif (
            _mostly(values, lambda v: percent_of(v) is not None)
            and any("%" in v for v in values)
            and "percent" not in has
        ):
            role = "percent"
        elif (
            _average_length(values) >= 40
            and {"status", "rag"} & has
            and "commentary" not in has
            and column.index != title
        ):
            role = "commentary"
        elif (
            not column.header
            and title is not None
            and column.index < title
            and "reference" not in has
            and _mostly(in_rows, lambda v: bool(REFERENCE.match(v)))
        ):
            role = "reference"
        if role:
            column.role, column.how = role, "cells"
            has.add(role)
    if "title" not in has:
        _title_from_fallbacks(layout)


def _second_date(layout: Layout, column: Column, raw: list) -> str | None:
    """Dates beside the deadline: completion dates if they sit to its right, fill fewer
    rows (only what is done has one) and none is in the future. Otherwise ("Start date")
    the column is listed for the person to say what it is."""
    deadline = next((c for c in layout.columns if c.role == "deadline"), None)
    if deadline is None or "completion_date" in {c.role for c in layout.columns}:
        return None
    today = datetime.date.today()
    dates = [date_of(v) for v in raw]
    past = all(day is not None and day <= today for day in dates)
    sparser = len(raw) < len(deadline.samples)
    return "completion_date" if column.index > deadline.index and sparser and past else None


def _title_from_fallbacks(layout: Layout) -> None:
    """No header names the action: the description, or a lone group column whose cells are
    all different (a pilot list leading with "Priority", seed 000's "Workstream"), is it."""
    for role in ("description", "group"):
        candidates = [c for c in layout.columns if c.role == role]
        if candidates:
            column = candidates[0] if role == "description" else candidates[-1]
            if role == "group" and len(candidates) > 1:
                continue
            column.role, column.how = "title", column.how or "header"
            column.note = "no column is headed as the action, so this one is"
            return


def _apply_choices(layout: Layout, chosen: dict[str, str]) -> None:
    picked = []
    for column in layout.columns:
        role = _chosen_role(column.index, column.header, chosen)
        if role is not None and role in ROLE_LABELS:
            column.role, column.how, column.note = role, "chosen", ""
            picked.append(column)
    for column in picked:
        if column.role in MULTIPLE or column.role == "commentary":
            continue
        for other in layout.columns:
            if other is not column and other.role == column.role and other.how != "chosen":
                other.role, other.how = "", ""
                other.note = f"you chose column {column.letter} as the {column.role_label.lower()}"
    _order_groups(layout)


def _keep_latest_period(layout: Layout) -> None:
    """Several commentary (or status, RAG, %) columns for successive quarters: the latest,
    rightmost one is this report; the earlier ones are listed, not imported."""
    for role in ("commentary", "status", "rag", "percent"):
        columns = [c for c in layout.columns if c.role == role]
        if len(columns) < 2 or role == "commentary" and not _periods_differ(columns):
            continue
        latest = columns[-1]
        for earlier in columns[:-1]:
            if earlier.how == "chosen" and role == "commentary":
                continue
            what = ROLE_LABELS[role].lower()
            name = normalise_header(earlier.header)
            if name != period_free(name):
                # "Q1 update" beside "Q3 update": kept as the update of the period it names.
                earlier.role, earlier.how, earlier.history_of = "history", "header", role
                earlier.note = (
                    f"an earlier period's {what}, kept as that period's update; column "
                    f"{latest.letter} is the latest"
                )
            else:
                earlier.role, earlier.how = "", ""
                earlier.note = f"an earlier period's {what}: column {latest.letter} is the latest"


def _periods_differ(columns: list[Column]) -> bool:
    names = [normalise_header(c.header) for c in columns]
    return len({period_free(n) for n in names}) < len(set(names))


# The period a sheet reports on ---------------------------------------------------------------

_AS_AT = re.compile(
    r"\b(?:as at|as of|position at|at|position as at|as at end of|to|ending|end of|up to)\s+"
    r"(?P<when>(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:" + _MONTHS + r")\.?,?\s+\d{4}"
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})",
    re.I,
)
_MONTH_RANGE = re.compile(
    r"\b(?P<from>"
    + _MONTHS
    + r")\.?\s*(?:\d{4}\s*)?(?:-|–|—|to)\s*(?P<to>"
    + _MONTHS
    + r")\.?,?\s+(?P<year>\d{4})",
    re.I,
)
_QUARTER = re.compile(r"\b(?:q|qtr|quarter)\s*(?P<n>[1-4])\b", re.I)
_FINANCIAL_YEAR = re.compile(
    r"\b(?:fy\s*)?(?P<start>(?:19|20)\d\d)\s*[/-]\s*(?P<end>\d{2}|\d{4})\b|\b(?P<short>\d{2})/(?P<short_end>\d{2})\b",
    re.I,
)


@dataclass
class Period:
    as_at: datetime.date | None
    source: str  # where it was read, for the preview: 'the header "Q2 Progress 2016/17"'
    unresolved: str = ""  # a period named without its year


def find_period(
    texts: list[tuple[str, str]],
    *,
    quarter_end: Callable[[int, int], datetime.date],
    financial_year_of: Callable[[datetime.date], int],
) -> Period:
    """The day a sheet reports as at, from (where, text) pairs, the strongest first: the
    headers of its progress columns, then its title rows and sheet name. "Position at 30
    September 2016", "Quarter 2 progress (July – September 2016)", "Q2 2016/17" (or "Q2"
    with the year elsewhere in the texts) give the end of that period. The council's
    financial calendar is passed in: quarter_end(first year, quarter) and
    financial_year_of(day)."""
    for where, text in texts:
        if match := _AS_AT.search(text):
            day = _day_of(match["when"])
            if day is not None:
                return Period(day, f"{where} “{_short(text)}”")
        if match := _MONTH_RANGE.search(text):
            day = _month_end(match["to"], int(match["year"]))
            if day is not None:
                return Period(day, f"{where} “{_short(text)}”")
    for where, text in texts:
        quarter = _QUARTER.search(text)
        if quarter is None:
            continue
        year = _financial_year(text, financial_year_of)
        if year is None:
            year = next(
                (y for _, other in texts if (y := _financial_year(other, financial_year_of))),
                None,
            )
        if year is None:
            return Period(
                None, "", f"{where} “{_short(text)}” names Q{quarter['n']} but not the year"
            )
        return Period(quarter_end(year, int(quarter["n"])), f"{where} “{_short(text)}”")
    return Period(None, "")


def _financial_year(text: str, financial_year_of) -> int | None:
    match = _FINANCIAL_YEAR.search(text)
    if match is None:
        return None
    if match["start"]:
        return int(match["start"])
    return 2000 + int(match["short"])


_MONTH_NUMBER = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip


def _month_end(name: str, year: int) -> datetime.date | None:
    month = _MONTH_NUMBER.get(name.lower().rstrip("."))
    if month is None:
        return None
    first_next = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first_next - datetime.timedelta(days=1)


def _day_of(text: str) -> datetime.date | None:
    text = text.strip().rstrip(",")
    if day := date_of(text):
        return day
    match = re.fullmatch(r"(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([A-Za-z]+)\.?,?\s+(\d{4})", text)
    if match is None:
        return None
    if match[1] is None:
        return _month_end(match[2], int(match[3]))
    month = _MONTH_NUMBER.get(match[2].lower())
    try:
        return datetime.date(int(match[3]), month, int(match[1])) if month else None
    except ValueError:
        return None


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
