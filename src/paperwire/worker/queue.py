"""The procrastinate app: connected to the configured PostgreSQL, with Paperwire's tasks
registered from the settings (so every process builds the same task names)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import procrastinate
from sqlalchemy import text
from sqlalchemy.engine import make_url

from ..config import Config
from ..store import Database
from .tasks import register_tasks

log = logging.getLogger("paperwire.worker")
SCHEMA_LOCK = 0x70617065  # advisory lock id: one process applies the queue schema


class WorkerError(RuntimeError):
    """Why the queue cannot be used here (e.g. the database is SQLite)."""


@dataclass
class Queue:
    app: procrastinate.App
    db: Database
    config: Config


def libpq_url(database_url: str) -> str:
    url = make_url(database_url)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def make_queue(config: Config, db: Database) -> Queue:
    if db.is_sqlite:
        raise WorkerError("workers need PostgreSQL: set PAPERWIRE_DATABASE_URL to a "
                          "postgresql+psycopg:// URL (the embedded SQLite runs its jobs inside "
                          "`paperwire serve`)")
    connector = procrastinate.PsycopgConnector(conninfo=libpq_url(db.url))
    app = procrastinate.App(connector=connector)
    register_tasks(app, config, db)
    return Queue(app=app, db=db, config=config)


def ensure_schema(db: Database) -> bool:
    """Create procrastinate's tables once; safe when several workers start together."""
    with db.write() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": SCHEMA_LOCK})
        exists = connection.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar()
        if exists:
            return False
        # Straight to psycopg, with no parameters: the schema's SQL holds literal '%'.
        cursor = connection.connection.driver_connection.cursor()
        cursor.execute(procrastinate.schema.SchemaManager.get_schema())
    log.info("created the task queue's tables")
    return True
