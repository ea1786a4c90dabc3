"""The Database handle: one object per URL, with separate read and write paths."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import text
from sqlalchemy.engine import Connection

from .engine import make_engines, normalise_url


class Database:
    def __init__(self, url: str):
        self.url = normalise_url(url)
        self.read_engine, self.write_engine, self._write_lock = make_engines(self.url)
        self.dialect = self.read_engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        with self.read_engine.connect() as connection:
            yield connection

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction that commits on success and rolls back on any exception."""
        lock = self._write_lock or contextlib.nullcontext()
        with lock, self.write_engine.begin() as connection:
            yield connection

    def upgrade(self) -> list[str]:
        from .migrate import upgrade
        return upgrade(self)

    def current_revision(self) -> str | None:
        from .migrate import current_revision
        return current_revision(self)

    def ping(self) -> bool:
        with self.read() as connection:
            return connection.execute(text("SELECT 1")).scalar() == 1

    def dispose(self) -> None:
        self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            self.write_engine.dispose()

    def __repr__(self) -> str:
        from ..config import mask_url_password
        return f"Database({mask_url_password(self.url)!r})"
