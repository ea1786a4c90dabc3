"""Migration 0014_harvest_pages upgrades a 0013 database and downgrades again, on SQLite
and PostgreSQL, leaving the runs already logged in place."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import inspect, text

from paperwire.store import Database, migrate

from .conftest import empty_database


@pytest.fixture(params=["sqlite", "postgresql"])
def old_db(request, tmp_path) -> Iterator[Database]:  # noqa: ANN001
    """A new, empty database migrated only up to 0013_instance."""
    with empty_database(request.param, tmp_path, "old") as db:
        migrate.upgrade(db, "0013_instance")
        yield db


def _tables(db: Database) -> set[str]:
    with db.read() as connection:
        return set(inspect(connection).get_table_names())


def _page_row(db: Database, run_id: int, number: int) -> None:
    with db.write() as connection:
        connection.execute(text(
            "INSERT INTO harvest_pages (run_id, number, finished_at, seconds, new) "
            "VALUES (:run_id, :number, 'x', 0.25, 3)"), {"run_id": run_id, "number": number})


def test_upgrade_adds_the_table_and_downgrade_removes_it(old_db: Database) -> None:
    with old_db.write() as connection:
        run_id = connection.execute(text(
            "INSERT INTO harvest_runs (source, key, started_at, status) "
            "VALUES ('arxiv', 'cs', 'x', 'ok') RETURNING id")).scalar_one()
    assert "harvest_pages" not in _tables(old_db)
    assert migrate.upgrade(old_db) == ["0014_harvest_pages"]
    _page_row(old_db, run_id, 1)
    with old_db.read() as connection:
        row = connection.execute(text("SELECT * FROM harvest_pages")).mappings().one()
    assert (row["run_id"], row["number"], row["seconds"], row["new"], row["fetched"]) == (
        run_id, 1, 0.25, 3, 0)
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        _page_row(old_db, run_id, 1)  # (run_id, number) is the key
    with pytest.raises(Exception, match="(?i)foreign key"):
        _page_row(old_db, run_id + 1, 1)  # pages belong to a logged run

    config = migrate.alembic_config()
    with old_db.write() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0013_instance")
    assert "harvest_pages" not in _tables(old_db)
    with old_db.read() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM harvest_runs")).scalar() == 1
    assert migrate.upgrade(old_db) == ["0014_harvest_pages"]
    assert "harvest_pages" in _tables(old_db)
