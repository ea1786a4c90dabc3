"""ETag / Last-Modified of responses already stored, for conditional requests by URL."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection


def load_validators(connection: Connection, url: str) -> tuple[str | None, str | None]:
    row = connection.execute(text(
        "SELECT etag, last_modified FROM http_validators WHERE url = :url"), {"url": url}).first()
    return (row.etag, row.last_modified) if row else (None, None)


def save_validators(connection: Connection, url: str, etag: str | None,
                    last_modified: str | None, now: str) -> None:
    """Remember a response's validators, only once what it carried is stored."""
    if not etag and not last_modified:
        connection.execute(text("DELETE FROM http_validators WHERE url = :url"), {"url": url})
        return
    connection.execute(text(
        "INSERT INTO http_validators (url, etag, last_modified, stored_at) "
        "VALUES (:url, :etag, :last_modified, :now) ON CONFLICT (url) DO UPDATE SET "
        "etag = excluded.etag, last_modified = excluded.last_modified, "
        "stored_at = excluded.stored_at"),
        {"url": url, "etag": etag, "last_modified": last_modified, "now": now})
