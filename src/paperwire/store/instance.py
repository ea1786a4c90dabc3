"""The database's id (migration 0013_instance): what names its saved search indexes, the
same on every machine whatever URL reaches it."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import text

from .database import Database


def instance_id(db: Database) -> str:
    """The id; made anew if the row is gone (a truncated or partly restored database is
    not the one its saved indexes were built from)."""
    with db.read() as connection:
        found = connection.execute(text("SELECT id FROM instance ORDER BY id LIMIT 1")).scalar()
    if found:
        return found
    with db.write() as connection:
        connection.execute(text("INSERT INTO instance (id, created_at) VALUES (:id, :now) "
                                "ON CONFLICT DO NOTHING"),
                           {"id": uuid.uuid4().hex, "now": datetime.now(timezone.utc).isoformat()})
        return connection.execute(text("SELECT id FROM instance ORDER BY id LIMIT 1")).scalar_one()
