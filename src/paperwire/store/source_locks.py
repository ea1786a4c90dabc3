"""One harvest per source at a time, across processes and machines.

PostgreSQL: a session advisory lock on a connection held for the whole run; the server
drops it if the process dies. SQLite (one machine by nature): an OS file lock beside the
database file, which the kernel drops if the process dies. Either way a killed harvest
never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from .database import Database
from .engine import sqlite_path

_memory_locks: dict[str, threading.Lock] = {}


class SourceBusy(RuntimeError):
    """Another harvest of the same source is running."""


def _advisory_key(source: str) -> int:
    digest = hashlib.sha256(f"paperwire-harvest:{source}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextlib.contextmanager
def hold_source_lock(db: Database, source: str) -> Iterator[None]:
    if db.is_sqlite:
        path = sqlite_path(db.url)
        if path is None:
            lock = _memory_locks.setdefault(f"{db.url}:{source}", threading.Lock())
            if not lock.acquire(blocking=False):
                raise SourceBusy(f"a harvest of {source} is already running")
            try:
                yield
            finally:
                lock.release()
            return
        with _file_lock(path.with_name(f"{path.name}.harvest-{source}.lock"), source):
            yield
        return
    with _advisory_lock(db, source):
        yield


@contextlib.contextmanager
def _file_lock(path: Path, source: str) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SourceBusy(f"a harvest of {source} is already running") from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@contextlib.contextmanager
def _advisory_lock(db: Database, source: str) -> Iterator[None]:
    key = _advisory_key(source)
    connection = db.write_engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        if not connection.exec_driver_sql(f"SELECT pg_try_advisory_lock({key})").scalar():
            raise SourceBusy(f"a harvest of {source} is already running")
        try:
            yield
        finally:
            try:
                connection.exec_driver_sql(f"SELECT pg_advisory_unlock({key})")
            except Exception:
                connection.invalidate()  # never pool a connection that may hold the lock
                raise
    finally:
        connection.close()
