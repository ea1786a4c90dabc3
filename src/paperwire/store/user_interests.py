"""A reader's interests in plain words ("retrieval-augmented generation")."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

MAX_LENGTH = 120
MAX_PER_USER = 50


def tidy(interest: str) -> str:
    """Spaces folded, control characters dropped, at most MAX_LENGTH characters."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in interest)
    return " ".join(cleaned.split())[:MAX_LENGTH].strip()


def add(connection: Connection, user_id: int, interest: str, now: str) -> bool:
    interest = tidy(interest)
    if not interest or len(interests_of(connection, user_id)) >= MAX_PER_USER:
        return False
    return connection.execute(text(
        "INSERT INTO user_interests (user_id, interest, created_at) VALUES (:user, :i, :now) "
        "ON CONFLICT DO NOTHING"), {"user": user_id, "i": interest, "now": now}).rowcount == 1


def remove(connection: Connection, user_id: int, interest: str) -> bool:
    return connection.execute(text(
        "DELETE FROM user_interests WHERE user_id = :user AND interest = :i"),
        {"user": user_id, "i": interest}).rowcount == 1


def clear(connection: Connection, user_id: int) -> None:
    connection.execute(text("DELETE FROM user_interests WHERE user_id = :user"),
                       {"user": user_id})


def interests_of(connection: Connection, user_id: int) -> list[str]:
    return list(connection.execute(text(
        "SELECT interest FROM user_interests WHERE user_id = :user ORDER BY created_at, interest"),
        {"user": user_id}).scalars())
