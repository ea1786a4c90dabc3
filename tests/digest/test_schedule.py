"""When a digest is due, in the subscriber's time zone (properties, with hypothesis)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import given, settings, strategies as st

from paperwire.digest.preferences import Preferences
from paperwire.digest.schedule import due_period, period_last_day, period_of

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Auckland",
         "Pacific/Kiritimati", "America/St_Johns", "Australia/Lord_Howe"]
moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1),
                       timezones=st.just(timezone.utc))
preferences = st.builds(Preferences, frequency=st.sampled_from(["daily", "weekdays", "weekly"]),
                        weekday=st.integers(0, 6), hour=st.integers(0, 23),
                        timezone=st.sampled_from(ZONES))


@settings(max_examples=400, deadline=None)
@given(preferences, moments)
def test_a_due_period_is_the_local_day_or_week_once_the_send_hour_passed(p, now):
    period = due_period(p, now)
    local = now.astimezone(p.zone)
    if period is None:
        return
    assert local.hour >= p.hour or p.frequency == "weekly"
    if p.frequency == "weekly":
        year, week, weekday = local.date().isocalendar()
        assert period == f"{year:04d}-W{week:02d}"
        assert weekday - 1 > p.weekday or (weekday - 1 == p.weekday and local.hour >= p.hour)
    else:
        assert period == local.date().isoformat()
        if p.frequency == "weekdays":
            assert local.weekday() < 5


@settings(max_examples=200, deadline=None)
@given(preferences, moments)
def test_each_period_becomes_due_exactly_once_and_stays_due(p, start):
    """Walking through time hour by hour, a period once due stays the due one until the
    next period starts; so cron runs every few minutes can never skip one."""
    seen: list[str] = []
    for hours in range(0, 24 * 15):
        period = due_period(p, start + timedelta(hours=hours))
        if period is not None and (not seen or seen[-1] != period):
            assert period not in seen
            seen.append(period)
    if p.frequency == "weekly":
        assert len(seen) >= 2
    elif p.frequency == "daily":
        assert len(seen) >= 14
    else:
        assert len(seen) >= 9


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_a_period_ends_on_its_last_day(day):
    weekly = Preferences(frequency="weekly")
    assert period_last_day(period_of(weekly, day)) - day == timedelta(days=6 - day.weekday())
    assert period_last_day(period_of(Preferences(), day)) == day


def test_send_hour_is_local():
    berlin = Preferences(hour=8, timezone="Europe/Berlin")
    assert due_period(berlin, datetime(2025, 2, 26, 6, 59, tzinfo=timezone.utc)) is None
    assert due_period(berlin, datetime(2025, 2, 26, 7, 0, tzinfo=timezone.utc)) == "2025-02-26"
    weekdays = Preferences(frequency="weekdays")
    assert due_period(weekdays, datetime(2025, 3, 1, 12, tzinfo=timezone.utc)) is None  # Saturday
