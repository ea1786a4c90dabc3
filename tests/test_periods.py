"""Days, ISO weeks and months: strict parsing, neighbours, and slugs that round-trip."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from paperwire.periods import (
    FIRST_YEAR, LAST_YEAR, PeriodError, parse_day, parse_month, parse_period, parse_week,
    period_of,
)

days = st.dates(min_value=date(FIRST_YEAR, 2, 8), max_value=date(LAST_YEAR, 11, 24))


def test_known_periods() -> None:
    week = parse_week("2025-W09")
    assert (week.start, week.end, week.days) == (date(2025, 2, 24), date(2025, 3, 2), 7)
    assert week.label == "Week 9, 2025 (24 Feb – 2 Mar)"
    month = parse_month("2024-02")
    assert (month.start, month.end) == (date(2024, 2, 1), date(2024, 2, 29))
    assert parse_day("2025-02-26").label == "Wednesday, 26 February 2025"
    assert parse_week("2026-W53").start == date(2026, 12, 28)  # 2026 has 53 ISO weeks


@pytest.mark.parametrize("kind, text, message", [
    ("day", "2025-02-30", "not a calendar date"),
    ("day", "20250226", "use YYYY-MM-DD"),
    ("day", "2025-W09-1", "use YYYY-MM-DD"),
    ("day", "1989-12-31", "out of range"),
    ("day", "", "use YYYY-MM-DD"),
    ("week", "2025-W53", "2025 has no week 53"),
    ("week", "2025-W00", "has no week 0"),
    ("week", "2025W09", "use YYYY-Www"),
    ("month", "2025-13", "month must be 01–12"),
    ("month", "2025-1", "use YYYY-MM"),
    ("month", "2201-01", "out of range"),
])
def test_bad_slugs_say_what_was_expected(kind: str, text: str, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        parse_period(kind, text)


@given(day=days, kind=st.sampled_from(["day", "week", "month"]))
def test_slugs_round_trip_and_neighbours_touch(day: date, kind: str) -> None:
    period = period_of(kind, day)
    assert period.contains(day) and period.start <= period.end
    assert parse_period(kind, period.slug) == period
    before, after = period.previous(), period.next()
    assert before.end + timedelta(days=1) == period.start
    assert period.end + timedelta(days=1) == after.start
    assert before.kind == after.kind == kind


@given(text=st.text(max_size=30), kind=st.sampled_from(["day", "week", "month"]))
def test_any_text_parses_or_raises_period_error(text: str, kind: str) -> None:
    try:
        period = parse_period(kind, text)
    except PeriodError as exc:
        assert str(exc)
    else:
        assert period.slug == text


def test_the_ends_of_the_range_have_no_neighbour_beyond_it() -> None:
    assert parse_day(f"{FIRST_YEAR}-01-01").previous() is None
    assert parse_month(f"{LAST_YEAR}-12").next() is None
