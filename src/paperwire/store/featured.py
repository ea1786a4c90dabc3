"""Papers an admin features on a day: shown first on that day's list."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection


def feature(connection: Connection, day: str, paper_id: str, admin_id: int, now: str) -> bool:
    return connection.execute(text(
        "INSERT INTO featured (day, paper_id, featured_by, created_at) "
        "VALUES (:day, :paper, :admin, :now) ON CONFLICT DO NOTHING"),
        {"day": day, "paper": paper_id, "admin": admin_id, "now": now}).rowcount == 1


def unfeature(connection: Connection, day: str, paper_id: str) -> bool:
    return connection.execute(text(
        "DELETE FROM featured WHERE day = :day AND paper_id = :paper"),
        {"day": day, "paper": paper_id}).rowcount == 1


def featured_between(connection: Connection, first: str, last: str) -> list[str]:
    return list(connection.execute(text(
        "SELECT paper_id FROM featured WHERE day >= :first AND day <= :last "
        "ORDER BY day DESC, created_at"), {"first": first, "last": last}).scalars())
