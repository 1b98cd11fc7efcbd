"""The council's calendar, in one place: financial years, their quarters, and the window in
which officers report on a quarter. Standard library only, so the deadline parser, the
models, the dashboards and the reminders all count quarters the same way.

A financial year is named by the year it starts in: with the usual April start, 2015/16 runs
from 1 April 2015 to 31 March 2016, and its Q1 is April to June. A January start makes the
financial year the calendar year."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

ONE_DAY = datetime.timedelta(days=1)


def _check_fy_start_month(fy_start_month: int) -> None:
    if not 1 <= fy_start_month <= 12:
        raise ValueError(f"fy_start_month must be 1-12, not {fy_start_month!r}")


def _first_of_month_after(year: int, month0: int) -> datetime.date:
    """1st of the month ``month0`` months (0-based, may exceed 11) after January of ``year``."""
    return datetime.date(year + month0 // 12, month0 % 12 + 1, 1)


def financial_year_label(start_year: int) -> str:
    """2021 -> "2021/22", the way councils write a financial year."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def financial_year_of(day: datetime.date, fy_start_month: int = 4) -> int:
    """The start year of the financial year containing ``day``."""
    _check_fy_start_month(fy_start_month)
    return day.year if day.month >= fy_start_month else day.year - 1


def financial_year_end(start_year: int, fy_start_month: int = 4) -> datetime.date:
    """Last day of the financial year that starts in ``fy_start_month`` of ``start_year``:
    ``financial_year_end(2014) == date(2015, 3, 31)``."""
    _check_fy_start_month(fy_start_month)
    return _first_of_month_after(start_year + 1, fy_start_month - 1) - ONE_DAY


def quarter_end(fy_start_year: int, quarter: int, fy_start_month: int = 4) -> datetime.date:
    """Last day of financial quarter ``quarter`` (1-4) of the financial year starting in
    ``fy_start_year``: ``quarter_end(2013, 4) == date(2014, 3, 31)``."""
    return Quarter.of_year(fy_start_year, quarter, fy_start_month).end


@dataclass(frozen=True, order=True)
class Quarter:
    """One financial quarter: "Q3 2015/16", 1 October to 31 December 2015."""

    financial_year: int  # the year the financial year starts in
    number: int  # 1-4
    start: datetime.date = field(compare=False)
    end: datetime.date = field(compare=False)
    fy_start_month: int = field(default=4, compare=False)

    @classmethod
    def of_year(cls, financial_year: int, number: int, fy_start_month: int = 4) -> Quarter:
        _check_fy_start_month(fy_start_month)
        if not 1 <= number <= 4:
            raise ValueError(f"quarter must be 1-4, not {number!r}")
        first = fy_start_month - 1 + 3 * (number - 1)
        start = _first_of_month_after(financial_year, first)
        end = _first_of_month_after(financial_year, first + 3) - ONE_DAY
        return cls(financial_year, number, start, end, fy_start_month)

    @classmethod
    def containing(cls, day: datetime.date, fy_start_month: int = 4) -> Quarter:
        year = financial_year_of(day, fy_start_month)
        number = (day.month - fy_start_month) % 12 // 3 + 1
        return cls.of_year(year, number, fy_start_month)

    @property
    def label(self) -> str:
        return f"Q{self.number} {financial_year_label(self.financial_year)}"

    def previous(self) -> Quarter:
        return Quarter.containing(self.start - ONE_DAY, self.fy_start_month)

    def next(self) -> Quarter:
        return Quarter.containing(self.end + ONE_DAY, self.fy_start_month)

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class UpdateWindow:
    """When officers report on a quarter: from `opens_days` before it ends until
    `closes_days` after (a plan's settings)."""

    opens_days: int = 14
    closes_days: int = 21

    def opens(self, quarter: Quarter) -> datetime.date:
        return quarter.end - datetime.timedelta(days=self.opens_days)

    def closes(self, quarter: Quarter) -> datetime.date:
        """The day updates on `quarter` are due: the last day of its window."""
        return quarter.end + datetime.timedelta(days=self.closes_days)

    def open_quarter(self, day: datetime.date, fy_start_month: int = 4) -> Quarter | None:
        """The quarter whose window is open on `day`, if any. The previous quarter's window,
        still open after its end, wins over the next one's."""
        current = Quarter.containing(day, fy_start_month)
        for quarter in (current.previous(), current):
            if self.opens(quarter) <= day <= self.closes(quarter):
                return quarter
        return None

    def last_closed_quarter(self, day: datetime.date, fy_start_month: int = 4) -> Quarter:
        """The latest quarter whose window had closed by `day`: the quarter an update is
        overdue for if it is missing."""
        quarter = Quarter.containing(day, fy_start_month).previous()
        while self.closes(quarter) >= day:
            quarter = quarter.previous()
        return quarter

    def quarter_reported_on(self, day: datetime.date, fy_start_month: int = 4) -> Quarter:
        """The quarter an update written on `day` reports on: the one whose window is open
        (a report in early January is for October to December), else the one containing
        the day."""
        return self.open_quarter(day, fy_start_month) or Quarter.containing(day, fy_start_month)
