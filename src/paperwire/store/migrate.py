"""Schema migrations, run by Alembic from the versions/ folder of this package."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

if TYPE_CHECKING:
    from .database import Database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config() -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(db: Database) -> str | None:
    with db.read() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(db: Database, target: str = "head") -> list[str]:
    """Bring the schema up to `target`; return the revisions applied (empty if none)."""
    before = current_revision(db)
    config = alembic_config()
    with db.write() as connection:
        if not db.is_sqlite:
            # Two processes starting at once must not both migrate.
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7201001)")
        config.attributes["connection"] = connection
        command.upgrade(config, target)
        if target == "head":
            from .instance import ensure_instance
            ensure_instance(connection)
        if not db.is_sqlite and target == "head":
            # A server may gain pgvector after 0010 ran: check again (quick once built).
            from .pgvector import install
            install(connection)
    after = current_revision(db)
    if before == after:
        return []
    script = ScriptDirectory.from_config(config)
    applied = [rev.revision for rev in script.iterate_revisions(after, before)]
    return list(reversed(applied))
