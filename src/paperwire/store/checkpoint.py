"""Background WAL checkpoints for long SQLite write runs.

During a bulk import the writer would otherwise stop every few thousand records to copy
the write-ahead log into the database file. A passive checkpoint from another thread
does that copying alongside (SQLite releases the GIL), and never blocks the writer.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from .database import Database

INTERVAL_SECONDS = 1.0


@contextlib.contextmanager
def background_checkpoints(db: Database, interval: float = INTERVAL_SECONDS) -> Iterator[None]:
    if not db.is_sqlite:
        yield
        return
    stop = threading.Event()

    def run() -> None:
        connection = db.read_engine.raw_connection()
        try:
            while not stop.wait(interval):
                connection.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="paperwire-wal-checkpoint", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
