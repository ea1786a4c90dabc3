"""Browsing queries: papers by day and category, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import orjson
from sqlalchemy import text
from sqlalchemy.engine import Connection


@dataclass
class PaperSummary:
    id: str
    title: str
    authors: list[str]
    categories: list[str]
    published: str | None
    upvotes: int | None
    vote_count: int


def list_papers(connection: Connection, *, day: date | None = None, category: str | None = None,
                limit: int = 50, offset: int = 0) -> list[PaperSummary]:
    """Papers newest first. `day` keeps those on that day's list or first published that day."""
    where, params = [], {"limit": limit, "offset": offset}
    if day is not None:
        where.append("(p.id IN (SELECT paper_id FROM day_listings WHERE day = :day) "
                     "OR (p.published_at >= :day AND p.published_at < :next_day))")
        params.update(day=day.isoformat(), next_day=(day + timedelta(days=1)).isoformat())
    if category is not None:
        where.append("p.id IN (SELECT paper_id FROM paper_categories WHERE category = :category)")
        params["category"] = category
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    rows = connection.execute(text(
        f"SELECT p.id, p.title, p.authors, p.categories, p.published_at, p.upvotes, p.vote_count "
        f"FROM papers p {clause} "
        f"ORDER BY p.published_at DESC, p.id LIMIT :limit OFFSET :offset"), params).all()
    return [PaperSummary(r.id, r.title, orjson.loads(r.authors), r.categories.split(),
                         r.published_at, r.upvotes, r.vote_count) for r in rows]
