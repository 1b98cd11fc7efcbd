"""Turn the fuzzy deadline ("timescale") wording of council action plans into sortable dates.

Action plans write deadlines as free text: "March 2016", "Q4 2013/14", "2014/ 15",
"November 2015 onwards", "Following conclusion of Scrutiny Inquiry". We always keep the
original words (they are what councillors approved), and alongside them derive:

* ``date``: the END of the period the words name. A fuzzy deadline is only missed once its
  whole period is over, so "March 2016" means 2016-03-31 and "2014/15" means 2015-03-31.
* ``precision``: how wide that period is (day, month, quarter, financial year, year), or
  "ongoing" (open-ended or recurring work, never overdue) or "none" (nothing recognisable).

How the text is read (each rule is explained where it is implemented):

1. Whitespace is collapsed, text lower-cased, unicode dashes turned into "-".
2. The text is tokenised into recognisable periods, scanning leftmost-longest: at each place
   the longest reading wins, so "Q4 2013/14" is one quarter rather than a year, and
   "31 March 2015" is one day rather than a month.
3. The FIRST period is the deadline (later ones are usually notes: "September 2013 - review
   progress ..."), unless it starts a range ("April 2021 to March 2024"), when the range's
   end is the deadline.
4. Open-ended or recurring wording ("onwards", "ongoing", "annually", "from April 2016")
   makes the deadline ONGOING; its date is the end of the first named period, if any.

Every regular expression uses bounded quantifiers only and no nested repetition, so matching
is linear in the input length; ``parse_deadline`` never raises on string input.
"""

from __future__ import annotations

import calendar
import datetime
import enum
import re
from collections.abc import Callable
from dataclasses import dataclass

from actionplans.financial_calendar import (
    _check_fy_start_month,
    financial_year_end,
    quarter_end,
)

__all__ = [
    "ParsedDeadline",
    "Precision",
    "financial_year_end",
    "parse_deadline",
    "quarter_end",
]


class Precision(enum.StrEnum):
    """How wide the period named by a deadline is.

    A StrEnum so members compare equal to (and store as) their plain string values.
    """

    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    FINANCIAL_YEAR = "financial_year"
    YEAR = "year"
    ONGOING = "ongoing"
    NONE = "none"


@dataclass(frozen=True)
class ParsedDeadline:
    """A deadline as written, plus the sortable end date and precision derived from it."""

    date: datetime.date | None
    precision: str  # a Precision value as a plain str, e.g. "month"
    text: str  # the original words, whitespace-normalised


# ---------------------------------------------------------------------------
# Period arithmetic (financial years and quarters: actionplans.financial_calendar)
# ---------------------------------------------------------------------------


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


# ---------------------------------------------------------------------------
# Building blocks of the patterns
# ---------------------------------------------------------------------------

# Full or abbreviated English month names; "sept" is common in council papers.
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
# The months as a deadline writes them in full ("March 2016").
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_NUMBERS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}
# Four-digit years are limited to 1900-2099 so stray numbers ("1000 homes") are not read as
# years and date arithmetic can never overflow.
_YEAR4 = r"(?:19|20)[0-9]{2}"
_ORDINAL = r"(?:st|nd|rd|th)?"

_Period = tuple[datetime.date | None, Precision]
# A token that looks like a date but is impossible ("13/2015"). It occupies its text, so
# fragments of it are not re-read as something else (e.g. "2015" as a year), but it has no
# date, so the deadline falls through to any other period in the text, or to "none".
_BLOCKED: _Period = (None, Precision.NONE)


def _year(text: str) -> int:
    """A year from 4 digits, or 2 digits (optionally after an apostrophe) meaning 20xx.

    Two-digit years are assumed to be in the 2000s: these plans date from 2000 onwards.
    """
    text = text.lstrip("'")
    return int(text) if len(text) == 4 else 2000 + int(text)


def _is_next_year(first: int, second_text: str) -> bool:
    """Whether "first/second" names consecutive years, e.g. 2014/15 or 2014/2015."""
    if len(second_text) == 4:
        return int(second_text) == first + 1
    return int(second_text) == (first + 1) % 100


def _day_or_month(year: int, month: int, day: int) -> _Period:
    """A specific day, degrading an impossible day of a real month to the whole month.

    "31 June 2016" or "31/02/2015" clearly name a month and year with a slip in the day;
    the month (ending on its last day) is the most faithful reading we can store. An
    impossible month ("01/13/2015") gives no reading at all.
    """
    if not 1 <= month <= 12:
        return _BLOCKED
    try:
        return datetime.date(year, month, day), Precision.DAY
    except ValueError:
        return _month_end(year, month), Precision.MONTH


# ---------------------------------------------------------------------------
# Period readers: one regex and one function turning its match into a period
# ---------------------------------------------------------------------------
# A reader returns a period, _BLOCKED, or None when the match turns out not to be a
# period at all (so another reading of the same text may still apply).

_Reader = Callable[[re.Match[str], int], _Period | None]


def _read_numeric_dmy(m: re.Match[str], fy_start_month: int) -> _Period | None:
    """31/03/2015, 31-03-2015, 31.03.2015, 31/03/15: UK order, day first.

    With dots and a two-digit year, only when the date is all the text says ("31.03.17" in
    a deadline column): inside words, "1.2.15" is far more likely to be a paragraph number.
    """
    if m["sep"] == "." and len(m["y"]) == 2 and m.string.strip(" .") != m.group(0):
        return None
    return _day_or_month(_year(m["y"]), int(m["m"]), int(m["d"]))


def _read_iso(m: re.Match[str], fy_start_month: int) -> _Period | None:
    """2015-03-31 (ISO order, year first)."""
    return _day_or_month(int(m["y"]), int(m["m"]), int(m["d"]))


def _read_text_dmy(m: re.Match[str], fy_start_month: int) -> _Period | None:
    """31 March 2015, 31st March 2015, 1st of April 2016, 31 Mar 15, 31-Mar-15."""
    return _day_or_month(_year(m["y"]), _MONTH_NUMBERS[m["mon"][:3]], int(m["d"]))


def _read_text_mdy(m: re.Match[str], fy_start_month: int) -> _Period | None:
    """March 31, 2015 / March 31st 2015. A four-digit year is required to tell it from
    "Dec 15" (December 2015)."""
    return _day_or_month(int(m["y"]), _MONTH_NUMBERS[m["mon"][:3]], int(m["d"]))


_QUARTER_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4}


def _read_quarter(m: re.Match[str], fy_start_month: int) -> _Period | None:
    """Q4 2013/14, Quarter 3 2015/16, Q2 2015-16, 3rd quarter 2015/16, Q4 13/14, Q3 2015.

    Quarters are financial quarters. A single year after the quarter ("Q3 2015") is read as
    the financial year starting that year, so every quarter is counted the same way whether
    or not the writer spelled the financial year out: Q3 2015 = Oct-Dec 2015.
    """
    number = m["qn"] or m["qo"] or m["qw"]
    quarter = int(number[0]) if number[0].isdigit() else _QUARTER_WORDS[number]
    first, second = m["y1"], m["y2"]
    if second is None:
        if len(first) == 2:  # "Q3 15" is too ambiguous to guess at
            return None
    elif not _is_next_year(_year(first), second):
        return _BLOCKED
    return quarter_end(_year(first), quarter, fy_start_month), Precision.QUARTER


def _read_fy_then_quarter(m: re.Match[str], fy_start_month: int) -> _Period | None:
    """2015/16 Q3 (financial year written before the quarter)."""
    if not _is_next_year(int(m["y1"]), m["y2"]):
        return _BLOCKED
    return quarter_end(int(m["y1"]), int(m["q"]), fy_start_month), Precision.QUARTER


def _read_financial_year(m: re.Match[str], fy_start_month: int) -> _Period | None:
    """2014/15, 2014/ 15, 2014-15, 2014 - 15, 2014/2015, FY 2014/15, FY14/15.

    Only consecutive years are a financial year; "2016 - 2018" is not one, and is left for
    the year reader (which then sees a range of years).
    """
    first = _year(m["y1"])
    if not _is_next_year(first, m["y2"]):
        return None
    return financial_year_end(first, fy_start_month), Precision.FINANCIAL_YEAR


# Seasons and school terms, as (month the period ends in, whether that month is in the
# year after the one written). Seasons are meteorological: spring Mar-May, summer Jun-Aug,
# autumn Sep-Nov, winter Dec-Feb ("Winter 2016" is winter 2016/17, ending Feb 2017).
# School terms ("spring term 2017") are used in education-related plans: autumn term
# Sep-Dec, spring term Jan-Apr, summer term Apr-Jul.
_SEASON_END_MONTH = {"spring": 5, "summer": 8, "autumn": 11, "winter": 2}
_TERM_END_MONTH = {"spring": 4, "summer": 7, "autumn": 12, "winter": 2}


def _read_season(m: re.Match[str], fy_start_month: int) -> _Period | None:
    """Spring 2016, Summer 2016, Autumn 2016, Winter 2016, Autumn term 2016, Spring 2016/17.

    Precision is QUARTER: a season is roughly a three-month period. With a split year
    ("Spring term 2016/17") it is read as an academic year: autumn falls in the first year,
    spring and summer in the second, winter spans the turn of the year.
    """
    season = m["season"]
    first = int(m["y1"])
    split = m["y2"] is not None
    if split and not _is_next_year(first, m["y2"]):
        return _BLOCKED
    end_month = (_TERM_END_MONTH if m["term"] else _SEASON_END_MONTH)[season]
    ends_next_year = season == "winter" or (split and season in ("spring", "summer"))
    return _month_end(first + ends_next_year, end_month), Precision.QUARTER


# "early/mid/late 2016" split the year into thirds (Jan-Apr, May-Aug, Sep-Dec). Precision
# is QUARTER, the nearest width we have for a roughly four-month period.
_PART_OF_YEAR_END_MONTH = {"early": 4, "mid": 8, "late": 12}


def _read_part_of_year(m: re.Match[str], fy_start_month: int) -> _Period | None:
    """Early 2016 -> end of April, mid-2016 -> end of August, late 2016 -> end of December."""
    return _month_end(int(m["y"]), _PART_OF_YEAR_END_MONTH[m["part"]]), Precision.QUARTER


def _read_month_year(m: re.Match[str], fy_start_month: int) -> _Period | None:
    """December 2015, Dec 2015, Sept 2013, Dec 15, Dec '15, Mar-16, March of 2016."""
    return _month_end(_year(m["y"]), _MONTH_NUMBERS[m["mon"][:3]]), Precision.MONTH


def _read_numeric_month_year(m: re.Match[str], fy_start_month: int) -> _Period | None:
    """12/2015, 03.2017. Only with a four-digit year: "12/15" could be many things."""
    month = int(m["m"])
    if not 1 <= month <= 12:
        return _BLOCKED
    return _month_end(int(m["y"]), month), Precision.MONTH


def _read_year(m: re.Match[str], fy_start_month: int) -> _Period | None:
    """2016, by 2016, End of 2016: a calendar year, ending 31 December."""
    return datetime.date(int(m["y"]), 12, 31), Precision.YEAR


_QUARTER_NAME = (
    r"(?:(?:q|qtr|quarter) ?(?P<qn>[1-4])|(?P<qo>[1-4])(?:st|nd|rd|th) quarter"
    r"|(?P<qw>first|second|third|fourth) quarter)"
)

# Order matters only to break ties between readings of exactly the same text.
_READERS: list[tuple[re.Pattern[str], _Reader]] = [
    (
        re.compile(
            r"(?<![0-9/.])(?P<d>[0-9]{1,2})(?P<sep>[/.-])(?P<m>[0-9]{1,2})(?P=sep)"
            rf"(?P<y>{_YEAR4}|[0-9]{{2}})\b(?![/.][0-9])"
        ),
        _read_numeric_dmy,
    ),
    (
        re.compile(
            rf"\b(?P<y>{_YEAR4})(?P<sep>[/.-])(?P<m>[0-9]{{1,2}})(?P=sep)(?P<d>[0-9]{{1,2}})\b"
            r"(?![/.][0-9])"
        ),
        _read_iso,
    ),
    (
        re.compile(
            rf"\b(?P<d>[0-9]{{1,2}}){_ORDINAL}(?: of)?[ -](?P<mon>{_MONTH})\.?,?[ -]"
            rf"(?P<y>{_YEAR4}|'?[0-9]{{2}})\b"
        ),
        _read_text_dmy,
    ),
    (
        re.compile(rf"\b(?P<mon>{_MONTH})\.? (?P<d>[0-9]{{1,2}}){_ORDINAL},? (?P<y>{_YEAR4})\b"),
        _read_text_mdy,
    ),
    (
        re.compile(
            rf"\b{_QUARTER_NAME}[ ,-]{{1,3}}(?:(?:of|in) )?(?:the )?(?:fy ?)?"
            rf"(?P<y1>{_YEAR4}|[0-9]{{2}})(?: ?[/-] ?(?P<y2>{_YEAR4}|[0-9]{{2}}))?\b"
        ),
        _read_quarter,
    ),
    (
        re.compile(
            rf"\b(?:fy ?)?(?P<y1>{_YEAR4}) ?[/-] ?(?P<y2>{_YEAR4}|[0-9]{{2}})[ ,-]{{1,3}}"
            r"(?:q|qtr|quarter) ?(?P<q>[1-4])\b"
        ),
        _read_fy_then_quarter,
    ),
    (
        re.compile(rf"\b(?:fy ?)?(?P<y1>{_YEAR4}) ?[/-] ?(?P<y2>{_YEAR4}|[0-9]{{2}})\b"),
        _read_financial_year,
    ),
    (
        # Two-digit financial years only with an explicit "FY": a bare "15/16" is ambiguous.
        re.compile(r"\bfy ?(?P<y1>[0-9]{2}) ?[/-] ?(?P<y2>[0-9]{2})\b"),
        _read_financial_year,
    ),
    (
        re.compile(
            r"\b(?P<season>spring|summer|autumn|winter)(?P<term> term)?(?: of)?[ -]"
            rf"(?P<y1>{_YEAR4})(?: ?[/-] ?(?P<y2>{_YEAR4}|[0-9]{{2}}))?\b"
        ),
        _read_season,
    ),
    (
        # Not when a financial year follows ("early 2016/17"): that is read as the FY.
        re.compile(
            rf"\b(?P<part>early|mid|late)[ -]{{1,2}}(?:in )?(?P<y>{_YEAR4})\b(?! ?[/-] ?[0-9])"
        ),
        _read_part_of_year,
    ),
    (
        re.compile(rf"\b(?P<mon>{_MONTH})\.?(?: of)?[ -](?P<y>{_YEAR4}|'?[0-9]{{2}})\b"),
        _read_month_year,
    ),
    (
        re.compile(rf"(?<![0-9/.])(?P<m>[0-9]{{1,2}})[/.](?P<y>{_YEAR4})\b(?![/.][0-9])"),
        _read_numeric_month_year,
    ),
    (re.compile(rf"\b(?P<y>{_YEAR4})\b"), _read_year),
]


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    date: datetime.date | None  # None for a _BLOCKED token
    precision: Precision


def _tokenise(text: str, fy_start_month: int) -> list[_Token]:
    """All periods in ``text``, left to right, without overlaps.

    Every reader proposes candidates; we then keep the leftmost, and among those starting at
    the same place the longest, so the most complete reading of each stretch of text wins.
    """
    candidates: list[tuple[int, int, int, _Period]] = []
    for order, (pattern, reader) in enumerate(_READERS):
        for match in pattern.finditer(text):
            try:
                period = reader(match, fy_start_month)
            except ValueError:  # defensive: a date we failed to foresee as impossible
                period = _BLOCKED
            if period is not None:
                candidates.append((match.start(), -match.end(), order, period))
    candidates.sort(key=lambda c: c[:3])

    tokens: list[_Token] = []
    covered_to = 0
    for start, neg_end, _order, (date, precision) in candidates:
        if start >= covered_to:
            tokens.append(_Token(start, -neg_end, date, precision))
            covered_to = -neg_end
    return tokens


# ---------------------------------------------------------------------------
# Context around the periods: ranges and open-ended wording
# ---------------------------------------------------------------------------

# What may sit between the two ends of a range: "April 2021 to March 2024",
# "2021/22 - 2023/24", "Dec 2015 until the end of March 2016". "and" only counts after
# "between", because "March 2014 and ..." usually introduces a second thought.
_RANGE_GAP = re.compile(
    r"[ ,]{0,2}(?P<conn>-{1,3}|to|until|till|through(?: to)?|thru|and) ?"
    r"(?:(?:the )?(?:end|close) of )?"
)
_BETWEEN_BEFORE = re.compile(r"\bbetween(?: the)?(?: (?:start|beginning|end) of)? ?$")

# Words that make the work open-ended or recurring, so it is never overdue. "rolling out"
# is excluded: it describes delivering something, not a rolling programme.
_OPEN_ENDED = re.compile(
    r"\b(?:on ?-?going|onwards?|continuous(?:ly)?|continual(?:ly)?|thereafter|and beyond"
    r"|rolling(?! out)|annually|yearly|quarterly|monthly|weekly|fortnightly"
    r"|(?:each|every) (?:year|quarter|month|week))\b"
)
# "from / commencing / starting" directly before the first period marks when work STARTS
# ("From April 2016", "Commence from January 2013"): open-ended, unless a range follows
# ("from April 2021 to March 2024" has a definite end). Checked only right before a
# period, because elsewhere "from" is everyday prose ("feedback from residents").
_START_BEFORE = re.compile(
    r"\b(?:from|commenc(?:e|es|ed|ing)|starting|starts|beginning)"
    r"(?: (?:from|in|on|at|during))?(?: the)?(?: (?:start|beginning|end) of)?[ :,(]{0,3}$"
)
# "Ongoing until March 2017" has a definite end despite the open-ended word.
_UNTIL_BEFORE = re.compile(r"\b(?:until|till|up to|up until)(?: the)?(?: end of)? ?$")

# How much text before a period we inspect for "from", "between", "until".
_LOOKBEHIND_CHARS = 40


def _text_before(text: str, token: _Token) -> str:
    return text[max(0, token.start - _LOOKBEHIND_CHARS) : token.start]


def _range_end(text: str, tokens: list[_Token], first: int) -> int:
    """Index of the token ending the range that starts at ``tokens[first]``.

    A range's deadline is its end: "April 2021 to March 2024" is due by 2024-03-31.
    """
    between = _BETWEEN_BEFORE.search(_text_before(text, tokens[first])) is not None
    last = first
    while last + 1 < len(tokens) and tokens[last + 1].date is not None:
        gap = _RANGE_GAP.fullmatch(text, tokens[last].end, tokens[last + 1].start)
        if gap is None or (gap["conn"] == "and" and not between):
            break
        last += 1
    return last


# Hyphens, en/em dashes, minus signs and their variants all mean "-" in a timescale.
_DASHES = dict.fromkeys(
    map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-"
)
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201b\u2032"), "'")


def _normalise_whitespace(text: str) -> str:
    """Collapse any run of whitespace (newlines, tabs, non-breaking spaces) to one space."""
    return " ".join(text.split())


def _format_day(date: datetime.date) -> str:
    """dd/mm/yyyy, the way a UK spreadsheet shows a date cell."""
    return f"{date.day:02d}/{date.month:02d}/{date.year:04d}"


def parse_deadline(value: str | datetime.date | None, *, fy_start_month: int = 4) -> ParsedDeadline:
    """Read a deadline as written in an action plan. Never raises for str input.

    ``value`` is the cell's content: text, a date or datetime (spreadsheet date cells,
    taken as that exact day), or None/"" for an empty cell. Any other type is read as its
    ``str()``. ``fy_start_month`` is the month the council's financial year starts in
    (April unless told otherwise); it shifts financial years and quarters.
    """
    _check_fy_start_month(fy_start_month)
    if value is None:
        return ParsedDeadline(None, Precision.NONE.value, "")
    if isinstance(value, datetime.datetime):  # before date: datetime subclasses date
        value = value.date()
    if isinstance(value, datetime.date):
        return ParsedDeadline(value, Precision.DAY.value, _format_day(value))

    text = _normalise_whitespace(str(value))
    # Matching works on a lower-cased copy with uniform dashes and quotes; positions are
    # only ever taken within this copy, and the original words are kept as ``text``.
    search_text = text.lower().translate(_DASHES).translate(_QUOTES)
    tokens = _tokenise(search_text, fy_start_month)
    first = next((i for i, token in enumerate(tokens) if token.date is not None), None)

    if first is None:
        if _OPEN_ENDED.search(search_text):
            return ParsedDeadline(None, Precision.ONGOING.value, text)
        return ParsedDeadline(None, Precision.NONE.value, text)

    last = _range_end(search_text, tokens, first)
    starts_open_ended = last == first and _START_BEFORE.search(
        _text_before(search_text, tokens[first])
    )
    if starts_open_ended or _OPEN_ENDED.search(search_text):
        for token in tokens[first:]:
            if token.date is not None and _UNTIL_BEFORE.search(_text_before(search_text, token)):
                return ParsedDeadline(token.date, token.precision.value, text)
        return ParsedDeadline(tokens[first].date, Precision.ONGOING.value, text)

    end = tokens[last]
    return ParsedDeadline(end.date, end.precision.value, text)
