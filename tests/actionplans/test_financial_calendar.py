"""The one calendar: financial years, quarters and update windows, for any year start."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actionplans.financial_calendar import Quarter, UpdateWindow, financial_year_label

D = datetime.date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2015, 4, 1), (2015, 1, D(2015, 4, 1), D(2015, 6, 30))),
        (D(2015, 10, 20), (2015, 3, D(2015, 10, 1), D(2015, 12, 31))),
        (D(2016, 3, 31), (2015, 4, D(2016, 1, 1), D(2016, 3, 31))),
        (D(2016, 1, 1), (2015, 4, D(2016, 1, 1), D(2016, 3, 31))),
    ],
)
def test_quarters_follow_the_april_financial_year(day, expected):
    quarter = Quarter.containing(day)
    assert (quarter.financial_year, quarter.number, quarter.start, quarter.end) == expected


def test_another_financial_year_start_and_labels():
    quarter = Quarter.containing(D(2015, 2, 10), fy_start_month=1)
    assert (quarter.financial_year, quarter.number, quarter.end) == (2015, 1, D(2015, 3, 31))
    assert Quarter.containing(D(2015, 10, 20)).label == "Q3 2015/16"
    assert financial_year_label(1999) == "1999/00"
    assert Quarter.containing(D(2015, 4, 1)).previous().end == D(2015, 3, 31)
    assert Quarter.containing(D(2015, 12, 31)).previous().end == D(2015, 9, 30)


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)), st.integers(1, 12))
def test_every_day_lies_in_its_quarter_and_quarters_tile_the_year(day, start_month):
    quarter = Quarter.containing(day, start_month)
    assert quarter.start <= day <= quarter.end
    assert quarter.next().start == quarter.end + datetime.timedelta(days=1)
    assert quarter.next().previous() == quarter
    assert Quarter.of_year(quarter.financial_year, quarter.number, start_month) == quarter


def test_update_windows():
    window = UpdateWindow(opens_days=14, closes_days=21)
    q2 = Quarter.containing(D(2015, 9, 1))
    assert window.opens(q2) == D(2015, 9, 16) and window.closes(q2) == D(2015, 10, 21)
    assert window.open_quarter(D(2015, 10, 5)) == q2  # a report in early October is for Q2
    assert window.open_quarter(D(2015, 11, 1)) is None
    assert window.quarter_reported_on(D(2015, 11, 1)) == q2.next()
    # The window closes on the 21st: from the 22nd a missing Q2 update is overdue.
    assert window.last_closed_quarter(D(2015, 10, 21)) == q2.previous()
    assert window.last_closed_quarter(D(2015, 10, 22)) == q2
