"""The database's id (migration 0013_instance): what names its saved search indexes, the
same on every machine whatever URL reaches it."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timezone

from sqlalchemy import text
from sqlalchemy.engine import Connection

from .database import Database


def instance_id(db: Database) -> str:
    """The id. A database whose row was removed (a table emptied by hand) is named by its
    URL, as before the migration, until `paperwire db upgrade` gives it a new id: reading
    never writes."""
    with db.read() as connection:
        found = connection.execute(text("SELECT id FROM instance ORDER BY id LIMIT 1")).scalar()
    return found or "url-" + hashlib.sha256(db.url.encode()).hexdigest()[:32]


def ensure_instance(connection: Connection) -> None:
    """Give the database an id if it has none (the migration made one; `db upgrade`
    repeats the check)."""
    if connection.execute(text("SELECT 1 FROM instance LIMIT 1")).first() is None:
        connection.execute(text("INSERT INTO instance (id, created_at) VALUES (:id, :now)"),
                           {"id": uuid.uuid4().hex,
                            "now": datetime.now(timezone.utc).isoformat()})
