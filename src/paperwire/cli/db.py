"""`paperwire init` and `paperwire db ...`: create and migrate the database."""

from __future__ import annotations

import click

from ..store.migrate import head_revision
from .context import AppContext, pass_app
from .output import emit_json, json_option, stdout


@click.command("init")
@click.option("--demo", is_flag=True, help="Also load the bundled demo papers (idempotent).")
@json_option
@pass_app
def init_command(app: AppContext, demo: bool, as_json: bool) -> None:
    """Create the database and bring its schema up to date. Safe to run twice."""
    db = app.database(upgrade=False)
    applied = _upgrade(db)
    result = {"database": repr(db), "applied": applied, "revision": db.current_revision()}
    if demo:
        from ..demo import load_demo
        result["demo"] = load_demo(db).counts.as_dict()
    if as_json:
        emit_json(result)
        return
    stdout.print(f"Database: {result['database']}")
    stdout.print(f"Schema: {result['revision']} ({len(applied)} migration(s) applied)")
    if demo:
        demo_counts = result["demo"]
        stdout.print(f"Demo papers: {demo_counts['new']} new, {demo_counts['updated']} updated, "
                     f"{demo_counts['unchanged']} unchanged")


def _upgrade(db) -> list[str]:  # noqa: ANN001
    try:
        return db.upgrade()
    except Exception as exc:
        raise click.ClickException(f"cannot migrate {db!r}: {type(exc).__name__}: {exc}") from None


@click.group("db")
def db_group() -> None:
    """Database schema: migrate and inspect."""


@db_group.command("upgrade")
@json_option
@pass_app
def upgrade_command(app: AppContext, as_json: bool) -> None:
    """Apply pending schema migrations."""
    db = app.database(upgrade=False)
    applied = _upgrade(db)
    if as_json:
        emit_json({"applied": applied, "revision": db.current_revision()})
    else:
        stdout.print(f"Applied {len(applied)} migration(s); schema at {db.current_revision()}.")


@db_group.command("current")
@json_option
@pass_app
def current_command(app: AppContext, as_json: bool) -> None:
    """Show the schema revision, the newest one known, and where semantic search runs.

    Semantic search runs in PostgreSQL (pgvector HNSW) or in each process's own index.
    """
    from ..search.pgvector import describe
    db = app.database(upgrade=False)
    current, head = db.current_revision(), head_revision()
    vectors = describe(db, app.config)
    if as_json:
        emit_json({"current": current, "head": head, "up_to_date": current == head,
                   "semantic_search": vectors})
    else:
        state = "up to date" if current == head else "behind: run `paperwire db upgrade`"
        stdout.print(f"{current or '(empty)'} — newest {head} — {state}")
        stdout.print(f"semantic search: {vectors}", markup=False)


def register(group: click.Group) -> None:
    group.add_command(init_command)
    group.add_command(db_group)


@db_group.command("copy")
@click.argument("source_url", metavar="SOURCE_URL")
@click.argument("target_url", metavar="TARGET_URL")
@click.option("--batch-size", type=click.IntRange(min=1, max=100_000), default=5000,
              show_default=True, help="Rows per transaction in the target.")
@json_option
def copy_command(source_url: str, target_url: str, batch_size: int, as_json: bool) -> None:
    """Copy a whole installation into an empty database and verify it.

    Typically moves the embedded SQLite to PostgreSQL:

        paperwire db copy sqlite:///paperwire.db postgresql+psycopg://host/paperwire

    The target is migrated to the newest schema and must be empty. Afterwards every table's
    row count and checksum are compared; the exit code is 0 only if all match. The source is
    only read.
    """
    from ..store import Database
    from ..store.copy import CopyError, copy_database
    from ..store.engine import DatabaseURLError
    from .output import count_progress

    from ..store.engine import normalise_url, sqlite_path

    try:
        source_path = sqlite_path(normalise_url(source_url))
        if source_path is not None and not source_path.is_file():
            raise click.ClickException(f"the source database {source_path} does not exist")
        source, target = Database(source_url), Database(target_url)
    except DatabaseURLError as error:
        raise click.ClickException(str(error)) from None
    if source.url == target.url:
        raise click.ClickException("the source and the target are the same database")
    try:
        with count_progress("copying rows", None) as advance:
            seen: dict[str, int] = {}

            def progress(table: str, done: int, total: int) -> None:
                advance(done - seen.get(table, 0))
                seen[table] = done
            report = copy_database(source, target, batch_size=batch_size, progress=progress)
    except CopyError as error:
        raise click.ClickException(str(error)) from None
    finally:
        source.dispose()
        target.dispose()
    if as_json:
        emit_json(report.as_dict())
    else:
        for table in report.tables:
            mark = "ok" if table.verified else "MISMATCH"
            stdout.print(f"{table.name:<24} {table.source_rows:>10,} → {table.target_rows:>10,}"
                         f"  {mark}", markup=False)
        stdout.print(f"{report.rows:,} rows copied; "
                     f"{'verified' if report.verified else 'NOT verified'} "
                     "by counts and checksums.", markup=False)
    if not report.verified:
        raise SystemExit(1)
