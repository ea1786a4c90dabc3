"""`paperwire harvest-runs`: the recent harvest runs, or one run with its pages."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..sources import SOURCES
from ..store.harvest_pages import PAGE_COUNTS, pages_of
from ..store.harvest_runs import COUNT_COLUMNS as RUN_COUNTS
from ..store.harvest_runs import get_run, recent_runs
from .context import AppContext, pass_app
from .output import emit_json, json_option, stdout

MAX_RUN_ID = 2**31 - 1  # harvest_runs.id is a 32-bit integer on PostgreSQL
MAX_LIMIT = 10_000
DEFAULT_LIMIT = 20
RUN_ID = click.IntRange(1, MAX_RUN_ID)
RUN_ID.name = "integer"  # "'abc' is not a valid integer", not "... integer range"


@click.command("harvest-runs")
@click.argument("run_id", required=False, type=RUN_ID)
@click.option("--source", type=click.Choice(list(SOURCES)),
              help="Only the runs of this source (without RUN_ID).")
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), metavar="N",
              help=f"How many runs to list, newest first: 1 to {MAX_LIMIT:,}, default "
                   f"{DEFAULT_LIMIT} (without RUN_ID).")
@json_option
@pass_app
def harvest_runs_command(app: AppContext, run_id: int | None, source: str | None,
                         limit: int | None, as_json: bool) -> None:
    """List the recent harvest runs, or show run RUN_ID with its pages.

    Each page of a run is listed with when it finished, how long it took, and what it
    fetched and stored: a long backfill that failed shows on which page.

    Exit status: 0, or 1 when there is no run RUN_ID.
    """
    if run_id is None:
        _list_runs(app, source, limit or DEFAULT_LIMIT, as_json)
        return
    if source is not None or limit is not None:
        raise click.UsageError("--source and --limit list runs; leave them out with RUN_ID")
    with app.database().read() as connection:
        run = get_run(connection, run_id)
        pages = pages_of(connection, run_id) if run else []
    if run is None:
        click.echo(f"No harvest run {run_id} (`paperwire harvest-runs` lists them).", err=True)
        sys.exit(1)
    if as_json:
        emit_json({"run": _run_dict(run), "pages": pages})
        return
    _print_runs([run])
    if not pages:
        stdout.print("no pages recorded", markup=False)
        return
    # Plain aligned columns, not a rich table: a terminal of any width keeps every value.
    header = f"{'page':>6}  {'finished':<27}  {'seconds':>9}" + "".join(
        f"  {c:>9}" for c in PAGE_COUNTS)
    click.echo(header)
    for page in pages:
        click.echo(f"{page['number']:>6}  {page['finished_at']:<27}  {page['seconds']:>9.3f}"
                   + "".join(f"  {page[c]:>9,}" for c in PAGE_COUNTS))


def _list_runs(app: AppContext, source: str | None, limit: int, as_json: bool) -> None:
    with app.database().read() as connection:
        runs = recent_runs(connection, source, limit)
    if as_json:
        emit_json([_run_dict(run) for run in runs])
    elif runs:
        _print_runs(runs)
    else:
        stdout.print("no harvest runs", markup=False)


def _run_dict(run: dict[str, Any]) -> dict[str, Any]:
    return {k: run[k] for k in ("id", "source", "key", "status", "started_at", "finished_at",
                                *RUN_COUNTS, "watermark_before", "watermark_after", "error")}


def _print_runs(runs: list[dict[str, Any]]) -> None:
    for run in runs:
        counts = "  ".join(f"{c} {run[c]:,}" for c in RUN_COUNTS)
        stdout.print(f"run {run['id']}  {run['source']} {run['key'] or '-'}: {run['status']}  "
                     f"started {run['started_at']}  finished {run['finished_at'] or '-'}  "
                     f"{counts}", markup=False)
        if run["error"]:
            stdout.print(f"    error: {run['error']}", markup=False)

def register(group: click.Group) -> None:
    group.add_command(harvest_runs_command)
