"""The periods the daily list is browsed by: a day, an ISO week, a month.

Each has a slug that is also its address ("2025-02-26", "2025-W09", "2025-02"), a first
and last day (inclusive), and neighbours. Slugs are parsed strictly: a bad one raises
PeriodError with a message that says what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

FIRST_YEAR, LAST_YEAR = 1990, 2200  # the years records accept (records.parse_day)
KINDS = ("day", "week", "month")
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


class PeriodError(ValueError):
    """A date, week or month that cannot be read; the message says what was expected."""


@dataclass(frozen=True)
class Period:
    kind: str  # "day" | "week" | "month"
    start: date
    end: date  # inclusive

    @property
    def slug(self) -> str:
        if self.kind == "day":
            return self.start.isoformat()
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year:04d}-W{week:02d}"
        return f"{self.start.year:04d}-{self.start.month:02d}"

    @property
    def label(self) -> str:
        if self.kind == "day":
            return f"{self.start:%A, %-d %B %Y}"
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"Week {week}, {year} ({self.start:%-d %b} – {self.end:%-d %b})"
        return f"{self.start:%B %Y}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Period | None:
        return _bounded(self.kind, self.start - timedelta(days=1))

    def next(self) -> Period | None:
        return _bounded(self.kind, self.end + timedelta(days=1))


def day_of(day: date) -> Period:
    return Period("day", day, day)


def week_of(day: date) -> Period:
    start = day - timedelta(days=day.weekday())
    return Period("week", start, start + timedelta(days=6))


def month_of(day: date) -> Period:
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return Period("month", start, following - timedelta(days=1))


_OF = {"day": day_of, "week": week_of, "month": month_of}


def period_of(kind: str, day: date) -> Period:
    """The day, week or month that contains `day`."""
    return _OF[kind](day)


def _bounded(kind: str, day: date) -> Period | None:
    return period_of(kind, day) if FIRST_YEAR <= day.year <= LAST_YEAR else None


def _check_year(year: int, text: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(f"{text!r} is out of range: years {FIRST_YEAR}–{LAST_YEAR} only")


def parse_day(text: str) -> Period:
    match = _DAY.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise PeriodError(f"{str(text)[:40]!r} is not a date: use YYYY-MM-DD, e.g. 2025-02-26")
    _check_year(int(match.group(1)), text)
    try:
        return day_of(date(*(int(g) for g in match.groups())))
    except ValueError:
        raise PeriodError(f"{text!r} is not a calendar date") from None


def parse_week(text: str) -> Period:
    match = _WEEK.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise PeriodError(f"{str(text)[:40]!r} is not an ISO week: use YYYY-Www, e.g. 2025-W09")
    year, week = int(match.group(1)), int(match.group(2))
    _check_year(year, text)
    try:
        return week_of(date.fromisocalendar(year, week, 1))
    except ValueError:
        raise PeriodError(f"{text!r}: {year} has no week {week}") from None


def parse_month(text: str) -> Period:
    match = _MONTH.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise PeriodError(f"{str(text)[:40]!r} is not a month: use YYYY-MM, e.g. 2025-02")
    year, month = int(match.group(1)), int(match.group(2))
    _check_year(year, text)
    if not 1 <= month <= 12:
        raise PeriodError(f"{text!r}: month must be 01–12")
    return month_of(date(year, month, 1))


PARSERS = {"day": parse_day, "week": parse_week, "month": parse_month}


def parse_period(kind: str, text: str) -> Period:
    return PARSERS[kind](text)
