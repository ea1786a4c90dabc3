"""Per-source harvest state: the watermark and an unfinished list's cursor, per set or feed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.engine import Connection


@dataclass
class SourceState:
    source: str
    key: str
    watermark: str | None = None
    cursor: dict[str, Any] | None = None
    updated_at: str | None = None


def load_state(connection: Connection, source: str, key: str) -> SourceState:
    row = connection.execute(text(
        "SELECT watermark, cursor, updated_at FROM source_state "
        "WHERE source = :source AND key = :key"), {"source": source, "key": key}).first()
    if row is None:
        return SourceState(source, key)
    return SourceState(source, key, row.watermark,
                       orjson.loads(row.cursor) if row.cursor else None, row.updated_at)


def save_state(connection: Connection, state: SourceState, now: str) -> None:
    """Insert or replace the state row (portable upsert: both databases have ON CONFLICT)."""
    connection.execute(text(
        "INSERT INTO source_state (source, key, watermark, cursor, updated_at) "
        "VALUES (:source, :key, :watermark, :cursor, :now) "
        "ON CONFLICT (source, key) DO UPDATE SET watermark = excluded.watermark, "
        "cursor = excluded.cursor, updated_at = excluded.updated_at"),
        {"source": state.source, "key": state.key, "watermark": state.watermark,
         "cursor": orjson.dumps(state.cursor).decode() if state.cursor else None, "now": now})
    state.updated_at = now


def list_states(connection: Connection) -> list[SourceState]:
    rows = connection.execute(text(
        "SELECT source, key, watermark, cursor, updated_at FROM source_state "
        "ORDER BY source, key")).all()
    return [SourceState(r.source, r.key, r.watermark,
                        orjson.loads(r.cursor) if r.cursor else None, r.updated_at)
            for r in rows]
