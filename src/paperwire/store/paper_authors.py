"""paper_authors: one row per (author key, paper), the index behind author pages.

`papers.authors` stays the ordered list that pages show; these rows are derived from it
(paperwire.author_keys) and written in the same transaction as the paper, by
store.papers.insert_papers and replace_papers. The primary key (author_key, published_at,
paper_id) keeps an author's papers together in date order, so a page of them is one short
index range, whatever the size of the store or the author. `published_at` is the paper's
('' when unknown, so undated papers sort last on both databases); `position` is where the
name stands in `papers.authors` (its first place), so the name as written can be read back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import orjson
from sqlalchemy import text
from sqlalchemy.engine import Connection

from ..author_keys import author_key
from .bulk import insert_rows, placeholders

COLUMNS = ("author_key", "published_at", "paper_id", "position")
Row = tuple[str, str, str, int]
_NEWEST_FIRST = "ORDER BY published_at DESC, paper_id DESC"  # the primary key, backwards


def author_rows(paper_id: str, names: Sequence[str], published: str | None) -> list[Row]:
    """The rows of one paper: each distinct key once, at its first position."""
    rows: dict[str, Row] = {}
    for position, name in enumerate(names):
        key = author_key(name)
        if key and key not in rows:
            rows[key] = (key, published or "", paper_id, position)
    return list(rows.values())


def insert(connection: Connection, rows: Sequence[Row]) -> None:
    insert_rows(connection, "paper_authors", COLUMNS, rows)


def delete(connection: Connection, rows: Sequence[Row]) -> None:
    """Remove rows by their primary key: a changed paper's rows as they were written."""
    if rows:
        mark = placeholders(connection, 1)
        connection.exec_driver_sql(
            f"DELETE FROM paper_authors WHERE author_key = {mark} AND published_at = {mark} "
            f"AND paper_id = {mark}", [row[:3] for row in rows])


def backfill(connection: Connection, batch_size: int = 5000) -> int:
    """Rows for every stored paper (the migration that adds the table); returns how many.
    Papers are read by id ranges so memory stays flat at millions of papers."""
    written, last = 0, ""
    query = text("SELECT id, authors, published_at FROM papers WHERE id > :last "
                 "ORDER BY id LIMIT :n")
    while True:
        batch = connection.execute(query, {"last": last, "n": batch_size}).all()
        if not batch:
            return written
        rows = [row for paper_id, authors, published in batch
                for row in author_rows(paper_id, orjson.loads(authors), published)]
        insert(connection, rows)
        written += len(rows)
        last = batch[-1][0]


@dataclass
class AuthorSummary:
    key: str
    name: str  # as written on their newest paper
    papers: int
    first_published: str | None
    last_published: str | None


def summary(connection: Connection, key: str) -> AuthorSummary | None:
    """How many papers the key has and their span of publication dates; None if none.
    Both queries read only the key's index range."""
    counted = connection.execute(text(
        "SELECT COUNT(*) AS n, MIN(NULLIF(published_at, '')) AS first, "
        "MAX(NULLIF(published_at, '')) AS last FROM paper_authors WHERE author_key = :key"),
        {"key": key}).one()
    if not counted.n:
        return None
    newest = connection.execute(text(
        "SELECT p.authors, a.position FROM papers p JOIN (SELECT paper_id, position FROM "
        f"paper_authors WHERE author_key = :key {_NEWEST_FIRST} LIMIT 1) a "
        "ON p.id = a.paper_id"), {"key": key}).one()
    names = orjson.loads(newest.authors)
    name = names[newest.position] if newest.position < len(names) else key
    return AuthorSummary(key, name, counted.n, counted.first, counted.last)


def newest_papers(connection: Connection, key: str, *, limit: int, offset: int = 0) -> list[str]:
    """Ids of the key's papers, newest publication first (undated last)."""
    return list(connection.execute(text(
        f"SELECT paper_id FROM paper_authors WHERE author_key = :key {_NEWEST_FIRST} "
        "LIMIT :limit OFFSET :offset"), {"key": key, "limit": limit, "offset": offset}).scalars())
