"""When a subscriber's digest is due, in their own time zone.

A digest is named by its period: the local day ("2025-02-26") for daily and weekday
subscribers, the ISO week ("2025-W09") for weekly ones. It is due once the local send time
of that period has passed; running every few minutes then sends it once (the period is the
key), and a run that was down at the send time still sends it later that day or week.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from .preferences import Preferences


def period_of(preferences: Preferences, local_day: date) -> str | None:
    """The period a local day belongs to for these preferences (None: no digest that day,
    a weekend for weekday subscribers)."""
    if preferences.frequency == "weekly":
        year, week, _ = local_day.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if preferences.frequency == "weekdays" and local_day.weekday() >= 5:
        return None
    return local_day.isoformat()


def due_period(preferences: Preferences, now: datetime) -> str | None:
    """The period whose digest is due at `now` (aware), or None when nothing is due yet."""
    if now.tzinfo is None:
        raise ValueError("now must carry a time zone")
    local = now.astimezone(preferences.zone)
    day = local.date()
    if preferences.frequency == "weekly":
        send_day = day - timedelta(days=day.weekday()) + timedelta(days=preferences.weekday)
        if day < send_day or (day == send_day and local.hour < preferences.hour):
            return None
        return period_of(preferences, day)
    if local.hour < preferences.hour:
        return None
    return period_of(preferences, day)


def period_for_date(preferences: Preferences, day: date) -> str | None:
    """`digest run --period DATE`: the period that date stands for, send time aside."""
    return period_of(preferences, day)


def period_last_day(period: str) -> date:
    """The last local day a period covers: the day itself, or a week's Sunday."""
    if "-W" in period:
        year, week = period.split("-W")
        return date.fromisocalendar(int(year), int(week), 7)
    return date.fromisoformat(period)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
