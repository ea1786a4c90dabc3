"""`paperwire import` and `paperwire export`."""

from __future__ import annotations

import gzip
import sys

import click

from .. import formats
from ..export import export_jsonl
from ..formats.base import ParseOptions
from ..ingest import Importer
from .context import AppContext, pass_app
from .output import byte_progress, emit_json, json_option, stderr, stdout

MAX_REJECTIONS_SHOWN = 50


def _format_help() -> str:
    return "; ".join(f"{f.name}: {f.description}" for f in formats.FORMATS)


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "format_name", type=click.Choice([f.name for f in formats.FORMATS]),
              help="Read every input as this format instead of detecting it from the content.")
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=None,
              help="Records per transaction (default: the import_batch_size setting).")
@click.option("--progress/--no-progress", default=None,
              help="Show a progress bar (default: when stderr is a terminal).")
@json_option
@pass_app
def import_command(app: AppContext, paths: tuple[str, ...], format_name: str | None,
                   batch_size: int | None, progress: bool | None, as_json: bool) -> None:
    """Import papers from files, folders or tar archives (plain, .gz, .xz or .bz2).

    The format of each input is detected from its content. Importing the same data again
    changes nothing. Rejected records are listed with file:line and the reason.

    Exit status: 0 all imported, 1 some records rejected, 2 nothing could be read.
    """
    db = app.database()
    options = ParseOptions(max_record_bytes=app.config.max_record_bytes)
    with byte_progress("importing", enabled=progress) as update:
        importer = Importer(db, batch_size=batch_size or app.config.import_batch_size,
                            options=options, progress=update)
        summary = importer.import_paths(paths, format_name)
    if as_json:
        emit_json(summary.as_dict())
    else:
        _print_summary(summary)
    sys.exit(130 if summary.interrupted else summary.exit_code)


def _print_summary(summary) -> None:  # noqa: ANN001
    counts = summary.counts
    for error in summary.errors:
        stderr.print(f"[red]error:[/red] {error}", markup=True, highlight=False)
    for rejection in summary.rejections[:MAX_REJECTIONS_SHOWN]:
        stderr.print(f"rejected {rejection.origin}: {rejection.reason}", markup=False)
    hidden = counts.rejected - min(len(summary.rejections), MAX_REJECTIONS_SHOWN)
    if hidden > 0:
        stderr.print(f"... and {hidden:,} more rejections (use --json to list them)", markup=False)
    if summary.interrupted:
        stderr.print("interrupted: the batches written so far are kept", markup=False)
    stdout.print(f"read {counts.read:,}  new {counts.new:,}  updated {counts.updated:,}  "
                 f"unchanged {counts.unchanged:,}  rejected {counts.rejected:,}", markup=False)


@click.command("export")
@click.option("--format", "format_name", type=click.Choice(["jsonl"]), default="jsonl",
              show_default=True, help="Output format: Paperwire JSON Lines, which import reads back.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default="-",
              help="Write to this file instead of standard output; a .gz name compresses it.")
@pass_app
def export_command(app: AppContext, format_name: str, output: str) -> None:
    """Export every paper, one JSON object per line, in id order."""
    db = app.database()
    if output == "-":
        count = export_jsonl(db, sys.stdout.buffer)
    else:
        opener = gzip.open if output.endswith(".gz") else open
        with opener(output, "wb") as out:
            count = export_jsonl(db, out)
    stderr.print(f"exported {count:,} papers", markup=False)


def register(group: click.Group) -> None:
    group.add_command(import_command)
    group.add_command(export_command)
