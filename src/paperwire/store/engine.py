"""Engines for the two supported databases, with the write path kept apart from reads.

SQLite: one writer at a time (BEGIN IMMEDIATE on a dedicated engine, plus a process lock),
any number of readers in WAL mode. PostgreSQL: one pooled engine for both.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError

SQLITE_BUSY_TIMEOUT_MS = 30_000


class DatabaseURLError(ValueError):
    pass


def normalise_url(url: str) -> str:
    """Accept the URL forms people paste and turn them into what SQLAlchemy needs."""
    text = url.strip()
    if text.startswith(("postgres://", "postgresql://")):
        text = "postgresql+psycopg://" + text.split("://", 1)[1]
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise DatabaseURLError(f"not a database URL: {url!r} (expected sqlite:///path.db or "
                               "postgresql+psycopg://user@host/db)") from None
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise DatabaseURLError(f"unsupported database {parsed.get_backend_name()!r}: "
                               "use sqlite or postgresql")
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() != "psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _configure_sqlite(engine: Engine, *, begin: str) -> Engine:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001
        # Let SQLAlchemy's begin event, not the sqlite3 module, decide when transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        # Rows of ~1.6 KB overflow 4 KB pages; 16 KB pages keep them inline. Only takes
        # effect when the file is created.
        cursor.execute("PRAGMA page_size = 16384")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA cache_size = -65536")
        cursor.execute("PRAGMA wal_autocheckpoint = 8192")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # noqa: ANN001
        connection.exec_driver_sql(begin)

    return engine


def make_engines(url: str) -> tuple[Engine, Engine, threading.Lock | None]:
    """Return (read engine, write engine, process-wide write lock or None)."""
    url = normalise_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        connect_args = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        read = _configure_sqlite(
            create_engine(url, connect_args=connect_args, pool_size=8, max_overflow=8),
            begin="BEGIN")
        write = _configure_sqlite(
            create_engine(url, connect_args=connect_args, pool_size=1, max_overflow=2),
            begin="BEGIN IMMEDIATE")
        return read, write, threading.Lock()
    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    return engine, engine, None
