"""Fixed-window counters in the database, so every web process shares one limit."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection


def hit(connection: Connection, key: str, window_start: int) -> int:
    """Count one hit for `key` in the window; returns the hits so far, this one included."""
    return connection.execute(text(
        "INSERT INTO rate_limits (key, window_start, hits) VALUES (:key, :start, 1) "
        "ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1 "
        "RETURNING hits"), {"key": key[:300], "start": window_start}).scalar_one()


def forget_before(connection: Connection, window_start: int) -> int:
    return connection.execute(text("DELETE FROM rate_limits WHERE window_start < :start"),
                              {"start": window_start}).rowcount
