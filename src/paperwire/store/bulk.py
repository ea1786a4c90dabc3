"""Fast executemany through the DB-API cursor: the import hot path skips per-row
SQLAlchemy processing, which costs more than the insert itself."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Connection


def placeholders(connection: Connection, count: int) -> str:
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    return ", ".join([mark] * count)


def insert_rows(connection: Connection, table: str, columns: Sequence[str],
                rows: Sequence[Sequence[object]]) -> None:
    if not rows:
        return
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders(connection, len(columns))})"
    connection.exec_driver_sql(sql, list(rows))


def delete_where_in(connection: Connection, table: str, column: str, keys: Sequence[str]) -> None:
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        connection.exec_driver_sql(
            f"DELETE FROM {table} WHERE {column} IN ({placeholders(connection, len(chunk))})",
            tuple(chunk))
