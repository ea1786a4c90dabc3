"""Authors and categories a reader follows: their new papers come to the feed and digest."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import Connection

KINDS = ("author", "category")
MAX_PER_USER = 200
_CATEGORY = re.compile(r"^[a-z][a-z-]*(\.[A-Za-z-]+)?$")


def tidy(kind: str, value: str) -> str | None:
    """The value to store, or None when it cannot be one (bad kind, empty, hostile)."""
    if kind not in KINDS:
        return None
    value = " ".join("".join(ch for ch in value if ch.isprintable()).split())[:200]
    if kind == "category" and not _CATEGORY.match(value):
        return None
    return value or None


def follow(connection: Connection, user_id: int, kind: str, value: str, now: str) -> bool:
    value = tidy(kind, value)  # type: ignore[assignment]
    if value is None or len(follows_of(connection, user_id)) >= MAX_PER_USER:
        return False
    return connection.execute(text(
        "INSERT INTO user_follows (user_id, kind, value, created_at) "
        "VALUES (:user, :kind, :value, :now) ON CONFLICT DO NOTHING"),
        {"user": user_id, "kind": kind, "value": value, "now": now}).rowcount == 1


def unfollow(connection: Connection, user_id: int, kind: str, value: str) -> bool:
    return connection.execute(text(
        "DELETE FROM user_follows WHERE user_id = :user AND kind = :kind AND value = :value"),
        {"user": user_id, "kind": kind, "value": value}).rowcount == 1


def clear(connection: Connection, user_id: int) -> None:
    connection.execute(text("DELETE FROM user_follows WHERE user_id = :user"), {"user": user_id})


def follows_of(connection: Connection, user_id: int) -> list[tuple[str, str]]:
    """(kind, value) pairs, authors first."""
    return [(r.kind, r.value) for r in connection.execute(text(
        "SELECT kind, value FROM user_follows WHERE user_id = :user ORDER BY kind, value"),
        {"user": user_id})]
