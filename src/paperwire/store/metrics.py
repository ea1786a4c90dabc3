"""Paper metrics over time: the upvotes and GitHub stars seen for a paper on a day.

An import records what each incoming record says, on the day it was observed (an HF
daily-papers record is observed on its list's day; anything else on the import's day).
Seeing a paper twice on one day keeps the higher counts, so re-imports change nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

from .bulk import placeholders
from .papers import RECORD_COLUMNS

_KEY, _UPVOTES, _STARS = (RECORD_COLUMNS.index(c) for c in ("id", "upvotes", "github_stars"))
_LISTINGS = len(RECORD_COLUMNS)
_KEEP_HIGHER = ("{col} = CASE WHEN paper_metrics.{col} IS NULL OR excluded.{col} > "
                "paper_metrics.{col} THEN excluded.{col} ELSE paper_metrics.{col} END")


@dataclass
class MetricPoint:
    day: str
    upvotes: int | None
    github_stars: int | None


def observations(papers: Sequence[list], today: str) -> list[tuple]:
    """(paper_id, day, upvotes, stars) for the encoded papers (store.papers.encode_paper)
    that carry a count."""
    rows = {}
    for encoded in papers:
        upvotes, stars = encoded[_UPVOTES], encoded[_STARS]
        if upvotes is None and stars is None:
            continue
        days = [listing[0] for listing in encoded[_LISTINGS]] or [today]
        key = (encoded[_KEY], max(days))
        old = rows.get(key)
        if old is not None:  # the same paper twice in one batch: keep the higher counts
            upvotes = _higher(old[2], upvotes)
            stars = _higher(old[3], stars)
        rows[key] = (*key, upvotes, stars)
    return list(rows.values())


def _higher(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


def record(connection: Connection, rows: Sequence[tuple]) -> None:
    if not rows:
        return
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(
            f"INSERT INTO paper_metrics (paper_id, day, upvotes, github_stars) "
            f"VALUES ({placeholders(connection, 4)}) ON CONFLICT (paper_id, day) DO UPDATE SET "
            + ", ".join(_KEEP_HIGHER.format(col=col) for col in ("upvotes", "github_stars")),
            list(rows))
    finally:
        cursor.close()


def history(connection: Connection, paper_id: str) -> list[MetricPoint]:
    return [MetricPoint(r.day, r.upvotes, r.github_stars) for r in connection.execute(text(
        "SELECT day, upvotes, github_stars FROM paper_metrics WHERE paper_id = :id ORDER BY day"),
        {"id": paper_id})]
