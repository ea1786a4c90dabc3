"""What a reader did with papers, beyond votes and collections (read where they live):
opened from a digest, seeded from the map (positives), "not interested" and shown but
skipped (negatives). One row per (user, paper, kind)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

POSITIVE_KINDS = ("opened", "seeded")
NEGATIVE_KINDS = ("not_interested", "skipped")
KINDS = POSITIVE_KINDS + NEGATIVE_KINDS


@dataclass(frozen=True)
class Signal:
    paper_id: str
    kind: str  # one of KINDS, or "upvoted" / "saved" (votes, collections)
    created_at: str


def record(connection: Connection, user_id: int, paper_ids: Sequence[str], kind: str,
           now: str) -> int:
    """Record a signal once per paper; how many were new."""
    if kind not in KINDS:
        raise ValueError(f"unknown signal kind {kind!r}")
    ids = list(dict.fromkeys(paper_ids))
    if not ids:
        return 0
    return connection.execute(text(
        "INSERT INTO user_signals (user_id, paper_id, kind, created_at) "
        "VALUES (:user, :paper, :kind, :now) ON CONFLICT DO NOTHING"),
        [{"user": user_id, "paper": p, "kind": kind, "now": now} for p in ids]).rowcount or 0


def forget(connection: Connection, user_id: int, paper_id: str, kinds: Sequence[str]) -> int:
    statement = text("DELETE FROM user_signals WHERE user_id = :user AND paper_id = :paper "
                     "AND kind IN :kinds").bindparams(bindparam("kinds", expanding=True))
    return connection.execute(statement, {"user": user_id, "paper": paper_id,
                                          "kinds": list(kinds)}).rowcount


def clear(connection: Connection, user_id: int) -> None:
    connection.execute(text("DELETE FROM user_signals WHERE user_id = :user"),
                       {"user": user_id})


def signals_of(connection: Connection, user_id: int, since: str | None = None) -> list[Signal]:
    """Every signal, votes ("upvoted") and collection items ("saved") included; those older
    than `since` (the profile's reset) are left out."""
    rows = connection.execute(text(
        "SELECT paper_id, kind, created_at FROM user_signals WHERE user_id = :user "
        "UNION ALL SELECT paper_id, 'upvoted', created_at FROM votes WHERE user_id = :user "
        "UNION ALL SELECT i.paper_id, 'saved', i.added_at FROM collection_items i "
        "JOIN collections c ON c.id = i.collection_id WHERE c.user_id = :user"),
        {"user": user_id}).all()
    found = [Signal(r.paper_id, r.kind, r.created_at) for r in rows
             if since is None or r.created_at > since]  # same second as the reset: before it
    found.sort(key=lambda s: (s.created_at, s.paper_id, s.kind))
    return found
