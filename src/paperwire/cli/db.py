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
    """Show the schema revision of the database and the newest one this version knows."""
    db = app.database(upgrade=False)
    current, head = db.current_revision(), head_revision()
    if as_json:
        emit_json({"current": current, "head": head, "up_to_date": current == head})
    else:
        state = "up to date" if current == head else "behind: run `paperwire db upgrade`"
        stdout.print(f"{current or '(empty)'} — newest {head} — {state}")


def register(group: click.Group) -> None:
    group.add_command(init_command)
    group.add_command(db_group)
