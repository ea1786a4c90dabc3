"""Fast multi-row inserts through the DB-API cursor: the import hot path skips per-row
SQLAlchemy processing, which costs more than the insert itself. PostgreSQL gets COPY."""

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
    column_list = ", ".join(columns)
    cursor = connection.connection.cursor()
    try:
        if connection.dialect.name == "postgresql":
            with cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({column_list}) VALUES ({placeholders(connection, len(columns))})",
                rows)
    finally:
        cursor.close()
