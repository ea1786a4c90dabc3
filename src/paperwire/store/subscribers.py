"""Subscribers to the email digest: one row per (normalised) address."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import text
from sqlalchemy.engine import Connection

STATUSES = ("pending", "active", "paused", "unsubscribed")
_COLUMNS = ("id, email, status, preferences, created_at, confirmed_at, confirmation_sent_at, "
            "unsubscribed_at, bounce_count, last_bounce")


@dataclass
class Subscriber:
    id: int
    email: str
    status: str
    preferences: str  # JSON; digest.preferences.Preferences.from_json reads it
    created_at: str
    confirmed_at: str | None
    confirmation_sent_at: str | None
    unsubscribed_at: str | None
    bounce_count: int
    last_bounce: str | None


def now_text() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def by_email(connection: Connection, email: str) -> Subscriber | None:
    row = connection.execute(text(f"SELECT {_COLUMNS} FROM subscribers WHERE email = :email"),
                             {"email": email}).one_or_none()
    return Subscriber(*row) if row else None


def by_id(connection: Connection, subscriber_id: int) -> Subscriber | None:
    row = connection.execute(text(f"SELECT {_COLUMNS} FROM subscribers WHERE id = :id"),
                             {"id": subscriber_id}).one_or_none()
    return Subscriber(*row) if row else None


def insert(connection: Connection, email: str, preferences: str, *, status: str,
           confirmed: bool = False) -> Subscriber:
    """A new subscriber; an existing address is left as it is (and returned)."""
    now = now_text()
    connection.execute(text(
        "INSERT INTO subscribers (email, status, preferences, created_at, confirmed_at, "
        "bounce_count) VALUES (:email, :status, :preferences, :now, :confirmed, 0) "
        "ON CONFLICT (email) DO NOTHING"),
        {"email": email, "status": status, "preferences": preferences, "now": now,
         "confirmed": now if confirmed else None})
    found = by_email(connection, email)
    assert found is not None
    return found


def set_status(connection: Connection, subscriber_id: int, status: str) -> None:
    assert status in STATUSES
    now = now_text()
    connection.execute(text(
        "UPDATE subscribers SET status = :status, "
        "confirmed_at = CASE WHEN :status = 'active' THEN COALESCE(confirmed_at, :now) "
        "ELSE confirmed_at END, "
        "unsubscribed_at = CASE WHEN :status = 'unsubscribed' THEN :now ELSE NULL END, "
        "bounce_count = CASE WHEN :status = 'active' THEN 0 ELSE bounce_count END "
        "WHERE id = :id"), {"status": status, "now": now, "id": subscriber_id})


def unsubscribe(connection: Connection, subscriber_id: int) -> bool:
    """Mark the subscriber unsubscribed; False (and nothing written) when they already were."""
    changed = connection.execute(text(
        "UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = :now "
        "WHERE id = :id AND status <> 'unsubscribed'"),
        {"now": now_text(), "id": subscriber_id}).rowcount
    return bool(changed)


def set_preferences(connection: Connection, subscriber_id: int, preferences: str) -> None:
    connection.execute(text("UPDATE subscribers SET preferences = :p WHERE id = :id"),
                       {"p": preferences, "id": subscriber_id})


def note_confirmation_sent(connection: Connection, subscriber_id: int, when: str | None) -> None:
    connection.execute(text("UPDATE subscribers SET confirmation_sent_at = :when WHERE id = :id"),
                       {"when": when, "id": subscriber_id})


def record_bounce(connection: Connection, subscriber_id: int, reason: str,
                  pause_after: int) -> bool:
    """Count a permanent failure; returns True when this bounce paused the subscriber."""
    connection.execute(text(
        "UPDATE subscribers SET bounce_count = bounce_count + 1, last_bounce = :reason "
        "WHERE id = :id"), {"reason": reason[:500], "id": subscriber_id})
    paused = connection.execute(text(
        "UPDATE subscribers SET status = 'paused' WHERE id = :id AND status = 'active' "
        "AND bounce_count >= :limit"), {"id": subscriber_id, "limit": pause_after}).rowcount
    return bool(paused)


def active(connection: Connection, *, only_email: str | None = None) -> Iterator[Subscriber]:
    where = "status = 'active'"
    params: dict[str, object] = {}
    if only_email is not None:
        where += " AND email = :email"
        params["email"] = only_email
    for row in connection.execute(text(f"SELECT {_COLUMNS} FROM subscribers WHERE {where} "
                                       "ORDER BY id"), params):
        yield Subscriber(*row)


def listing(connection: Connection, *, limit: int | None = None) -> list[Subscriber]:
    sql = f"SELECT {_COLUMNS} FROM subscribers ORDER BY id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [Subscriber(*row) for row in connection.execute(text(sql))]


def counts(connection: Connection) -> dict[str, int]:
    rows = connection.execute(text("SELECT status, COUNT(*) FROM subscribers GROUP BY status"))
    return {status: count for status, count in rows}
