"""Tests for reading fuzzy action-plan deadlines. Pure Python: no database, no Django."""

import datetime
import random
import time

import pytest

from actionplans.deadlines import (
    ParsedDeadline,
    Precision,
    financial_year_end,
    parse_deadline,
    quarter_end,
)

D = datetime.date
DAY = "day"
MONTH = "month"
QUARTER = "quarter"
FY = "financial_year"
YEAR = "year"
ONGOING = "ongoing"
NONE = "none"

# Timescales copied exactly from real council action plans, with what they must mean.
REAL_COUNCIL_TIMESCALES = [
    ("December 2015", D(2015, 12, 31), MONTH),
    ("November 2015 onwards", D(2015, 11, 30), ONGOING),
    ("June 2015 onwards", D(2015, 6, 30), ONGOING),
    ("Dec 2015", D(2015, 12, 31), MONTH),
    ("March 2016", D(2016, 3, 31), MONTH),
    ("December 2015 onwards", D(2015, 12, 31), ONGOING),
    ("Ongoing", None, ONGOING),
    ("October 2015", D(2015, 10, 31), MONTH),
    ("October 2016", D(2016, 10, 31), MONTH),
    ("November 2016", D(2016, 11, 30), MONTH),
    (
        "Commence from January 2013 Review on a quarterly basis ESIAs published within a "
        "month of approval",
        D(2013, 1, 31),
        ONGOING,
    ),
    ("June 2013", D(2013, 6, 30), MONTH),
    ("Agree specific action by March 2013", D(2013, 3, 31), MONTH),
    ("September 2013 \u2013 review progress in previous academic year", D(2013, 9, 30), MONTH),
    ("April 2013", D(2013, 4, 30), MONTH),
    ("Review completed by 2014/15", D(2015, 3, 31), FY),
    ("Information published by March 2013", D(2013, 3, 31), MONTH),
    ("March 2013", D(2013, 3, 31), MONTH),
    ("March 2014 and annually thereafter", D(2014, 3, 31), ONGOING),
    ("2014/ 15", D(2015, 3, 31), FY),
    (
        "By March 2014 Review communications routes with diverse communities about community "
        "safety, hate crime, cohesion, vulnerable victims and civil emergencies",
        D(2014, 3, 31),
        MONTH,
    ),
    ("Following conclusion of Scrutiny Inquiry", None, NONE),
    ("31/03/2015", D(2015, 3, 31), DAY),
    ("Q4 2013/14", D(2014, 3, 31), QUARTER),
]

# Every example from the specification of the parser, rule by rule.
SPEC_EXAMPLES = [
    # Plain dates, UK day-first.
    ("31/03/2015", D(2015, 3, 31), DAY),
    ("31.03.2015", D(2015, 3, 31), DAY),
    ("31-03-2015", D(2015, 3, 31), DAY),
    ("2015-03-31", D(2015, 3, 31), DAY),
    ("31 March 2015", D(2015, 3, 31), DAY),
    ("31st March 2015", D(2015, 3, 31), DAY),
    ("March 31, 2015", D(2015, 3, 31), DAY),
    ("31 Mar 15", D(2015, 3, 31), DAY),
    ("01/04/2015", D(2015, 4, 1), DAY),
    # Month and year: the last day of the month.
    ("December 2015", D(2015, 12, 31), MONTH),
    ("Dec 2015", D(2015, 12, 31), MONTH),
    ("Sept 2013", D(2013, 9, 30), MONTH),
    ("12/2015", D(2015, 12, 31), MONTH),
    ("by March 2013", D(2013, 3, 31), MONTH),
    ("end of March 2016", D(2016, 3, 31), MONTH),
    ("Agree specific action by March 2013", D(2013, 3, 31), MONTH),
    ("Information published by March 2013", D(2013, 3, 31), MONTH),
    ("February 2016", D(2016, 2, 29), MONTH),  # leap year
    # Financial years: April to March.
    ("2014/15", D(2015, 3, 31), FY),
    ("2014/ 15", D(2015, 3, 31), FY),
    ("2014-15", D(2015, 3, 31), FY),
    ("2014/2015", D(2015, 3, 31), FY),
    ("2014 - 15", D(2015, 3, 31), FY),
    ("2014 \u2013 15", D(2015, 3, 31), FY),
    ("FY 2014/15", D(2015, 3, 31), FY),
    ("Review completed by 2014/15", D(2015, 3, 31), FY),
    ("1999/00", D(2000, 3, 31), FY),  # across the century
    # Financial quarters.
    ("Q4 2013/14", D(2014, 3, 31), QUARTER),
    ("Q1 2016/17", D(2016, 6, 30), QUARTER),
    ("Q2 2015-16", D(2015, 9, 30), QUARTER),
    ("Quarter 3 2015/16", D(2015, 12, 31), QUARTER),
    ("Q3 2015", D(2015, 12, 31), QUARTER),  # bare year = FY starting that year
    # Seasons: roughly three-month periods.
    ("Spring 2016", D(2016, 5, 31), QUARTER),
    ("Summer 2016", D(2016, 8, 31), QUARTER),
    ("Autumn 2016", D(2016, 11, 30), QUARTER),
    ("Winter 2016", D(2017, 2, 28), QUARTER),
    ("Winter 2015", D(2016, 2, 29), QUARTER),  # ends in a leap February
    ("Early 2016", D(2016, 4, 30), QUARTER),
    ("mid 2016", D(2016, 8, 31), QUARTER),
    ("Late 2016", D(2016, 12, 31), QUARTER),
    # A year alone.
    ("2016", D(2016, 12, 31), YEAR),
    ("End of 2016", D(2016, 12, 31), YEAR),
    ("by 2016", D(2016, 12, 31), YEAR),
    # Ongoing, recurring and open-ended.
    ("Ongoing", None, ONGOING),
    ("On-going", None, ONGOING),
    ("ongoing", None, ONGOING),
    ("Continuous", None, ONGOING),
    ("Annually", None, ONGOING),
    ("Quarterly", None, ONGOING),
    ("November 2015 onwards", D(2015, 11, 30), ONGOING),
    ("June 2015 onwards", D(2015, 6, 30), ONGOING),
    ("From April 2016", D(2016, 4, 30), ONGOING),
    ("Commence from January 2013 Review on a quarterly basis", D(2013, 1, 31), ONGOING),
    ("March 2014 and annually thereafter", D(2014, 3, 31), ONGOING),
    ("2016 and beyond", D(2016, 12, 31), ONGOING),
    ("Rolling programme from 2015/16", D(2016, 3, 31), ONGOING),
    ("Monthly", None, ONGOING),
    # A leading period followed by a note.
    ("September 2013 \u2013 review progress in previous academic year", D(2013, 9, 30), MONTH),
    (
        "By March 2014 Review communications routes with diverse communities about "
        "community safety",
        D(2014, 3, 31),
        MONTH,
    ),
    # Ranges: the end of the range, with its precision.
    ("April 2021 to March 2024", D(2024, 3, 31), MONTH),
    ("between April 2021 and March 2024", D(2024, 3, 31), MONTH),
    ("2021/22 - 2023/24", D(2024, 3, 31), FY),
    # Nothing recognisable.
    ("Following conclusion of Scrutiny Inquiry", None, NONE),
    ("TBC", None, NONE),
    ("To be determined", None, NONE),
    ("When funding allows", None, NONE),
    # Two-digit years are in the 2000s.
    ("Dec 15", D(2015, 12, 31), MONTH),
    ("31/03/15", D(2015, 3, 31), DAY),
]

# Decisions made where the specification was silent.
DECISION_EXAMPLES = [
    # Impossible day in a real month: the month is still clearly meant.
    ("31/02/2015", D(2015, 2, 28), MONTH),
    ("32/01/2015", D(2015, 1, 31), MONTH),
    ("31 June 2016", D(2016, 6, 30), MONTH),
    # Impossible month: no reading, and no fragment ("2015") is re-read on its own.
    ("13/2015", None, NONE),
    ("31/13/2015", None, NONE),
    ("2015-13-01", None, NONE),
    # A dotted date with a two-digit year only when it is the whole cell: within words,
    # "1.2.15" is more likely a paragraph number.
    ("31.03.15", D(2015, 3, 31), DAY),
    ("31.03.17.", D(2017, 3, 31), DAY),
    ("1.4.18", D(2018, 4, 1), DAY),
    ("See paragraph 1.2.15", None, NONE),
    ("Actions 2.1.15 and 2.1.16", None, NONE),
    ("03.2017", D(2017, 3, 31), MONTH),
    ("By 09.2016", D(2016, 9, 30), MONTH),
    # More ways of writing dates, months and financial years.
    ("1st of April 2016", D(2016, 4, 1), DAY),
    ("31-Mar-15", D(2015, 3, 31), DAY),
    ("March 31st 2015", D(2015, 3, 31), DAY),
    ("Mar-16", D(2016, 3, 31), MONTH),
    ("Dec \u201915", D(2015, 12, 31), MONTH),
    ("Sept. 2013", D(2013, 9, 30), MONTH),
    ("FY14/15", D(2015, 3, 31), FY),
    ("by the end of the 2014/15 financial year", D(2015, 3, 31), FY),
    ("2014-2015", D(2015, 3, 31), FY),
    # Non-consecutive years are a range of calendar years, not a financial year.
    ("2016 - 2018", D(2018, 12, 31), YEAR),
    # More quarter spellings.
    ("Q4 13/14", D(2014, 3, 31), QUARTER),
    ("2015/16 Q3", D(2015, 12, 31), QUARTER),
    ("3rd quarter 2015/16", D(2015, 12, 31), QUARTER),
    ("Q4 of 2014/15", D(2015, 3, 31), QUARTER),
    ("Q3 2015/17", None, NONE),  # not a financial year
    # Split-year seasons and school terms follow the academic year.
    ("Winter 2016/17", D(2017, 2, 28), QUARTER),
    ("Spring term 2016/17", D(2017, 4, 30), QUARTER),
    ("Autumn term 2016", D(2016, 12, 31), QUARTER),
    ("Summer term 2017", D(2017, 7, 31), QUARTER),
    ("mid-2016", D(2016, 8, 31), QUARTER),
    # "from ... to ..." is a range with a definite end, not open-ended work.
    ("From April 2021 to March 2024", D(2024, 3, 31), MONTH),
    ("Dec 2015 until end of March 2016", D(2016, 3, 31), MONTH),
    # "and" without "between" joins two thoughts, so the first period stands.
    ("March 2016 and June 2016", D(2016, 3, 31), MONTH),
    # An explicit "until" bounds otherwise ongoing work.
    ("Ongoing until March 2017", D(2017, 3, 31), MONTH),
    # Only "from" right before a period marks a start; elsewhere it is prose.
    ("Feedback from residents by March 2014", D(2014, 3, 31), MONTH),
    ("Starting in September 2016", D(2016, 9, 30), ONGOING),
    # "rolling out" is delivery, not a rolling programme.
    ("Rolling out new system by March 2016", D(2016, 3, 31), MONTH),
    # The first period wins over later ones.
    ("March 2016 (revised from December 2015)", D(2016, 3, 31), MONTH),
    # Stray numbers are not years.
    ("Phase 2", None, NONE),
    ("Immediate", None, NONE),
]


def _check(text: str, expected_date: datetime.date | None, expected_precision: str) -> None:
    parsed = parse_deadline(text)
    assert (parsed.date, parsed.precision) == (expected_date, expected_precision)
    assert parsed.text == " ".join(text.split())


@pytest.mark.parametrize(("text", "expected_date", "expected_precision"), REAL_COUNCIL_TIMESCALES)
def test_real_council_timescales(text, expected_date, expected_precision):
    _check(text, expected_date, expected_precision)
    assert parse_deadline(text).text == text  # already normalised: kept word for word


@pytest.mark.parametrize(("text", "expected_date", "expected_precision"), SPEC_EXAMPLES)
def test_spec_examples(text, expected_date, expected_precision):
    _check(text, expected_date, expected_precision)


@pytest.mark.parametrize(("text", "expected_date", "expected_precision"), DECISION_EXAMPLES)
def test_decisions_where_spec_was_silent(text, expected_date, expected_precision):
    _check(text, expected_date, expected_precision)


def test_result_is_a_frozen_dataclass_with_plain_string_precision():
    parsed = parse_deadline("March 2016")
    assert parsed == ParsedDeadline(D(2016, 3, 31), "month", "March 2016")
    assert type(parsed.precision) is str
    assert parsed.precision == Precision.MONTH
    with pytest.raises(AttributeError):
        parsed.date = None  # type: ignore[misc]


def test_precision_values():
    assert [p.value for p in Precision] == [
        "day",
        "month",
        "quarter",
        "financial_year",
        "year",
        "ongoing",
        "none",
    ]


def test_datetime_from_excel_is_a_day():
    parsed = parse_deadline(datetime.datetime(2015, 3, 31, 0, 0))
    assert parsed == ParsedDeadline(D(2015, 3, 31), "day", "31/03/2015")


def test_date_is_a_day():
    assert parse_deadline(D(2016, 1, 5)) == ParsedDeadline(D(2016, 1, 5), "day", "05/01/2016")


@pytest.mark.parametrize("empty", [None, "", "   ", "\n\t\u00a0"])
def test_empty_cells(empty):
    assert parse_deadline(empty) == ParsedDeadline(None, "none", "")


def test_whitespace_is_normalised_but_words_kept():
    parsed = parse_deadline("  By March 2014\nReview  communications\r\n\troutes\u00a0now ")
    assert parsed.text == "By March 2014 Review communications routes now"
    assert (parsed.date, parsed.precision) == (D(2014, 3, 31), "month")


def test_newline_inside_a_period():
    parsed = parse_deadline("Q4\n2013/14")
    assert parsed == ParsedDeadline(D(2014, 3, 31), "quarter", "Q4 2013/14")


def test_unparseable_text_is_kept():
    text = "Following conclusion of Scrutiny Inquiry"
    assert parse_deadline(text) == ParsedDeadline(None, "none", text)


def test_financial_year_end_default_april():
    assert financial_year_end(2014) == D(2015, 3, 31)


@pytest.mark.parametrize(
    ("start_month", "expected"),
    [(1, D(2015, 12, 31)), (4, D(2016, 3, 31)), (7, D(2016, 6, 30)), (12, D(2016, 11, 30))],
)
def test_financial_year_end_honours_start_month(start_month, expected):
    assert financial_year_end(2015, start_month) == expected


@pytest.mark.parametrize(
    ("quarter", "expected"),
    [(1, D(2013, 6, 30)), (2, D(2013, 9, 30)), (3, D(2013, 12, 31)), (4, D(2014, 3, 31))],
)
def test_quarter_end_default_april(quarter, expected):
    assert quarter_end(2013, quarter) == expected


@pytest.mark.parametrize(
    ("start_month", "quarter", "expected"),
    [
        (1, 1, D(2015, 3, 31)),
        (1, 4, D(2015, 12, 31)),
        (7, 1, D(2015, 9, 30)),
        (7, 4, D(2016, 6, 30)),
        (11, 2, D(2016, 4, 30)),
    ],
)
def test_quarter_end_honours_start_month(start_month, quarter, expected):
    assert quarter_end(2015, quarter, start_month) == expected


def test_parse_deadline_honours_start_month():
    # A council whose financial year is the calendar year.
    assert parse_deadline("2015/16", fy_start_month=1).date == D(2015, 12, 31)
    assert parse_deadline("Q3 2015", fy_start_month=1).date == D(2015, 9, 30)
    # One whose financial year starts in July.
    assert parse_deadline("2014/15", fy_start_month=7).date == D(2015, 6, 30)
    assert parse_deadline("Q4 2013/14", fy_start_month=7).date == D(2014, 6, 30)
    # Calendar periods do not move.
    assert parse_deadline("March 2016", fy_start_month=7).date == D(2016, 3, 31)


@pytest.mark.parametrize("bad", [0, 13])
def test_bad_start_month_is_a_programming_error(bad):
    with pytest.raises(ValueError):
        financial_year_end(2015, bad)
    with pytest.raises(ValueError):
        quarter_end(2015, 1, bad)
    with pytest.raises(ValueError):
        parse_deadline("2014/15", fy_start_month=bad)


@pytest.mark.parametrize("bad", [0, 5])
def test_bad_quarter_is_a_programming_error(bad):
    with pytest.raises(ValueError):
        quarter_end(2015, bad)


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2015",
        "32/01/2015",
        "13/2015",
        "00/00/00",
        "29/02/2015",
        "0 March 2016",
        "99 Dec 99",
        "Q5 2015/16",
        "Q0 2015",
        "2099/00",
        "Winter 2099",
        "Q4 2099/00",
        "\u2014\u2013\u00a0\u200b\ufeff",
        "\U0001f4c5 Dec 2015 \u2603",
        "\u0661\u0662/\u0660\u0663/\u0662\u0660\u0661\u0665",  # Arabic-Indic digits
        "////----....",
        "'",
    ],
)
def test_odd_input_does_not_raise(text):
    parsed = parse_deadline(text)
    assert parsed.text == " ".join(text.split())
    assert parsed.precision in {p.value for p in Precision}


def test_random_input_does_not_raise():
    rng = random.Random(20151231)
    alphabet = list("0123456789/-. ,'qQ") + [
        "march ",
        "dec ",
        "2014",
        "2015",
        "/15",
        "q4 ",
        "quarter ",
        "winter ",
        "early ",
        "from ",
        "onwards",
        "between ",
        " and ",
        " to ",
        "until ",
        "fy",
        "\u2013",
        "\u00a0",
        "st ",
    ]
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        parsed = parse_deadline(text)
        assert parsed.precision in {p.value for p in Precision}


@pytest.mark.parametrize(
    "text",
    [
        ("By March 2014 Review communications routes with diverse communities " * 200)[:10_000],
        "1/" * 5_000,
        "2014/" * 2_000,
        "2014 - " * 1_428,
        "Q4 " * 3_333,
        "a" * 10_000,
        " " * 10_000,
        "31 " * 3_333,
        "from " * 2_000,
        "between " * 1_250,
        "- " * 5_000,
        "March " * 1_666,
    ],
    ids=lambda text: f"{text[:12]!r}x{len(text)}",
)
def test_long_input_parses_quickly(text):
    start = time.perf_counter()
    parse_deadline(text)
    assert time.perf_counter() - start < 1.0  # guards against catastrophic backtracking
