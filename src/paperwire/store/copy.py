"""Move a whole installation from one database to another (typically the embedded SQLite to
PostgreSQL), then prove nothing was lost: row counts and a checksum per table.

The target gets the same schema through the migrations, must be empty, and is filled table by
table in foreign-key order. Columns the target computes itself (generated search vectors)
and tables only one side has (SQLite's full-text shadow tables) are left to the target."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import MetaData, Table, func, select, text

from .database import Database
from .migrate import head_revision

SKIPPED_TABLES = {"alembic_version", "instance"}  # a copy is another database, with its own id


class CopyError(RuntimeError):
    """Why the copy cannot start or did not verify; nothing in the source is touched."""


@dataclass
class TableReport:
    name: str
    source_rows: int
    target_rows: int = 0
    source_checksum: str = ""
    target_checksum: str = ""

    @property
    def verified(self) -> bool:
        return self.source_rows == self.target_rows and \
            self.source_checksum == self.target_checksum


@dataclass
class CopyReport:
    source: str
    target: str
    revision: str
    tables: list[TableReport] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return all(t.verified for t in self.tables)

    @property
    def rows(self) -> int:
        return sum(t.target_rows for t in self.tables)

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "revision": self.revision,
                "verified": self.verified, "rows": self.rows,
                "tables": [{"name": t.name, "source_rows": t.source_rows,
                            "target_rows": t.target_rows, "checksum": t.source_checksum,
                            "target_checksum": t.target_checksum, "verified": t.verified}
                           for t in self.tables]}


def _reflect(db: Database) -> MetaData:
    from . import pgvector  # noqa: F401 - names the vector type for reflection
    metadata = MetaData()
    with db.read() as connection:
        metadata.reflect(connection)
    return metadata


def _derived_tables(db: Database) -> set[str]:
    """SQLite full-text tables and their shadow tables: the target's triggers rebuild them
    from the copied rows."""
    if not db.is_sqlite:
        return set()
    with db.read() as connection:
        virtual = connection.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND sql LIKE 'CREATE VIRTUAL TABLE%'")).scalars().all()
        names = connection.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table'")).scalars().all()
    return {n for n in names for v in virtual if n == v or n.startswith(f"{v}_")}


def _copyable_columns(source: Table, target: Table) -> list[str]:
    return [c.name for c in target.columns
            if c.name in source.columns and c.computed is None]


def _order_columns(table: Table) -> list[str]:
    keys = [c.name for c in table.primary_key.columns]
    return keys or [c.name for c in table.columns]


def _canonical(value: Any) -> Any:
    """One representation per value whichever database returned it."""
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return {"b": value.hex()}
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (dict, list)):
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    if value is not None and not isinstance(value, (int, float, str)):
        return str(value)
    return value


def _rows(db: Database, table: Table, columns: list[str], batch_size: int
          ) -> Iterable[list[tuple]]:
    query = select(*[table.c[name] for name in columns]).order_by(
        *[table.c[name] for name in _order_columns(table)])
    with db.read() as connection:
        result = connection.execution_options(stream_results=True,
                                              yield_per=batch_size).execute(query)
        for partition in result.partitions(batch_size):
            yield [tuple(row) for row in partition]


def table_checksum(db: Database, table: Table, columns: list[str],
                   batch_size: int = 5000) -> tuple[int, str]:
    """Rows and a checksum that does not depend on row order (databases sort text
    differently): the sum of every row's SHA-256, modulo 2**256."""
    total = 0
    count = 0
    for batch in _rows(db, table, columns, batch_size):
        for row in batch:
            row_hash = hashlib.sha256(orjson.dumps([_canonical(v) for v in row])).digest()
            total = (total + int.from_bytes(row_hash, "big")) % (1 << 256)
        count += len(batch)
    return count, f"{total:064x}"


def _count(db: Database, table: Table) -> int:
    with db.read() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def _reset_sequences(target: Database, table: Table) -> None:
    if target.is_sqlite:
        return
    with target.write() as connection:
        for column in table.primary_key.columns:
            sequence = connection.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                          {"t": table.name, "c": column.name}).scalar()
            if sequence:
                connection.execute(text(
                    f'SELECT setval(:s, COALESCE((SELECT MAX("{column.name}") FROM '
                    f'"{table.name}"), 0) + 1, false)'), {"s": sequence})


def copy_database(source: Database, target: Database, *, batch_size: int = 5000,
                  progress: Callable[[str, int, int], None] | None = None) -> CopyReport:
    head = head_revision()
    if source.current_revision() != head:
        raise CopyError(f"the source schema is at {source.current_revision() or '(empty)'}, "
                        f"not {head}: run `paperwire --db SOURCE db upgrade` first")
    target.upgrade()
    source_meta, target_meta = _reflect(source), _reflect(target)
    derived = SKIPPED_TABLES | _derived_tables(source) | _derived_tables(target)
    tables = [t for t in target_meta.sorted_tables
              if t.name not in derived and t.name in source_meta.tables]
    for table in tables:
        rows = _count(target, table)
        if rows:
            raise CopyError(f"the target already holds data ({table.name} has {rows:,} rows): "
                            "copy into an empty database")
    report = CopyReport(source=repr(source), target=repr(target), revision=head)
    for table in tables:
        source_table = source_meta.tables[table.name]
        columns = _copyable_columns(source_table, table)
        total = _count(source, source_table)
        entry = TableReport(table.name, total)
        report.tables.append(entry)
        done = 0
        insert = table.insert()
        for batch in _rows(source, source_table, columns, batch_size):
            with target.write() as connection:
                connection.execute(insert, [dict(zip(columns, row)) for row in batch])
            done += len(batch)
            if progress:
                progress(table.name, done, total)
        _reset_sequences(target, table)
    for entry in report.tables:
        columns = _copyable_columns(source_meta.tables[entry.name], target_meta.tables[entry.name])
        _, entry.source_checksum = table_checksum(source, source_meta.tables[entry.name], columns)
        entry.target_rows, entry.target_checksum = table_checksum(
            target, target_meta.tables[entry.name], columns)
    return report
