"""How fast repositories gain GitHub stars, from the stars history: the trending score's
"stars gained per hour, where known"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from ..records import iso_utc

WINDOW = timedelta(days=7)
MIN_SPAN_HOURS = 1.0  # two observations closer than this say nothing about a pace


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def stars_per_hour(connection: Connection, repos: Sequence[str], now: datetime
                   ) -> dict[str, float]:
    """Stars gained per hour over the week before `now` (first to last observation in it),
    for the repositories that have two observations at least an hour apart there."""
    repos = sorted({r for r in repos if r})
    if not repos:
        return {}
    since, until = iso_utc(now - WINDOW), iso_utc(now)
    query = text(
        "SELECT repo, observed_at, stars FROM github_stars_history WHERE repo IN :repos "
        "AND observed_at >= :since AND observed_at <= :until ORDER BY repo, observed_at"
    ).bindparams(bindparam("repos", expanding=True))
    first: dict[str, tuple[str, int]] = {}
    last: dict[str, tuple[str, int]] = {}
    for start in range(0, len(repos), 500):
        for row in connection.execute(query, {"repos": repos[start:start + 500],
                                              "since": since, "until": until}):
            first.setdefault(row.repo, (row.observed_at, row.stars))
            last[row.repo] = (row.observed_at, row.stars)
    rates = {}
    for repo, (began, stars_then) in first.items():
        ended, stars_now = last[repo]
        hours = (_moment(ended) - _moment(began)).total_seconds() / 3600
        if hours >= MIN_SPAN_HOURS:
            rates[repo] = max(stars_now - stars_then, 0) / hours
    return rates
