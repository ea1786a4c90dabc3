"""Upvotes: one row per person and paper. papers.vote_count moves in the same transaction
as the row, by an increment the database applies to the latest row version, so concurrent
votes never lose a count (PostgreSQL row lock; SQLite's single writer)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection


def add_vote(connection: Connection, user_id: int, paper_id: str, now: str) -> bool:
    """True if this is a new vote; voting twice changes nothing."""
    added = connection.execute(text(
        "INSERT INTO votes (user_id, paper_id, created_at) VALUES (:user, :paper, :now) "
        "ON CONFLICT (user_id, paper_id) DO NOTHING"),
        {"user": user_id, "paper": paper_id, "now": now}).rowcount == 1
    if added:
        connection.execute(text("UPDATE papers SET vote_count = vote_count + 1 WHERE id = :id"),
                           {"id": paper_id})
    return added


def remove_vote(connection: Connection, user_id: int, paper_id: str) -> bool:
    """True if there was a vote to take back."""
    removed = connection.execute(text(
        "DELETE FROM votes WHERE user_id = :user AND paper_id = :paper"),
        {"user": user_id, "paper": paper_id}).rowcount == 1
    if removed:
        connection.execute(text(
            "UPDATE papers SET vote_count = vote_count - 1 WHERE id = :id AND vote_count > 0"),
            {"id": paper_id})
    return removed


def voted_for(connection: Connection, user_id: int, paper_ids: Sequence[str]) -> set[str]:
    if not paper_ids:
        return set()
    return set(connection.execute(text(
        "SELECT paper_id FROM votes WHERE user_id = :user AND paper_id IN :ids").bindparams(
        bindparam("ids", expanding=True)), {"user": user_id, "ids": list(paper_ids)}).scalars())


def shown_votes(connection: Connection, paper_id: str) -> int:
    """What a page shows: imported upvotes plus local votes."""
    row = connection.execute(text("SELECT upvotes, vote_count FROM papers WHERE id = :id"),
                             {"id": paper_id}).first()
    return (row.upvotes or 0) + row.vote_count if row else 0


def count_votes(connection: Connection, paper_id: str) -> int:
    """Local votes by counting rows (to check the counter)."""
    return connection.execute(text("SELECT COUNT(*) FROM votes WHERE paper_id = :id"),
                              {"id": paper_id}).scalar_one()
