"""`paperwire harvest SOURCE` (one run) and `paperwire sources` (watermarks, last runs)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from ..config import Config, ConfigError
from ..jobs import SCHEDULE_SETTINGS, HarvestScheduler, scheduled_sources
from ..sources import SOURCES, HarvestOptions, HarvestReport, get_source, run_harvest
from ..sources.base import split_list
from ..store import Database
from ..store.harvest_runs import latest_runs
from ..store.source_state import list_states
from .context import AppContext, pass_app
from .output import emit_json, json_option, stderr, stdout

MAX_REJECTIONS_SHOWN = 30
DATED_SOURCES = ("arxiv", "hf")
KEYED_SOURCES = ("arxiv", "arxiv-rss")


def _day(ctx: click.Context, param: click.Parameter, value: object) -> str | None:
    return value.date().isoformat() if value is not None else None


@contextmanager
def harvest_progress(enabled: bool | None) -> Iterator[Callable[[HarvestReport], None]]:
    """Records (or pages) fetched so far, on stderr when it is a terminal."""
    show = sys.stderr.isatty() if enabled is None else enabled
    if not show:
        yield lambda report: None
        return
    columns = (TextColumn("[bold]{task.description}"), BarColumn(),
               TextColumn("{task.fields[summary]}"), TimeElapsedColumn())
    with Progress(*columns, console=stderr) as progress:
        tasks: dict[tuple[str, str], TaskID] = {}

        def update(report: HarvestReport) -> None:
            name = (report.source, report.key)
            if name not in tasks:
                tasks[name] = progress.add_task(f"{report.source} {report.key}".strip(),
                                                total=None, summary="")
            progress.update(tasks[name], total=report.expected, completed=(
                report.fetched if report.source in ("arxiv", "arxiv-api") else report.pages),
                summary=f"fetched {report.fetched:,}  new {report.new:,}  "
                        f"pages {report.pages:,}  retries {report.retries:,}")

        yield update


@click.command("harvest")
@click.argument("source", type=click.Choice(list(SOURCES)))
@click.option("--set", "key", metavar="NAME",
              help="OAI-PMH set (arxiv) or feed (arxiv-rss), e.g. cs or cs.CL+cs.LG "
                   "(default: the arxiv_sets / arxiv_rss_feeds setting).")
@click.option("--from", "from_day", type=click.DateTime(["%Y-%m-%d"]), callback=_day,
              metavar="DATE", help="First day to fetch, YYYY-MM-DD (arxiv: datestamps; hf: listing days). "
                   "Default: the watermark, or harvest_first_days back on a first run.")
@click.option("--until", "until_day", type=click.DateTime(["%Y-%m-%d"]), callback=_day,
              metavar="DATE", help="Last day to fetch, YYYY-MM-DD (default: today).")
@click.option("--base-url", metavar="URL",
              help="Fetch from this address instead of the source's URL setting "
                   "(a mirror, or a local replay server).")
@click.option("--id", "paper_ids", metavar="ID", multiple=True,
              help="arXiv id to look up (arxiv-api only); repeat it or separate ids by commas.")
@click.option("--progress/--no-progress", default=None,
              help="Show progress (default: when stderr is a terminal).")
@json_option
@pass_app
def harvest_command(app: AppContext, source: str, key: str | None, from_day: str | None,
                    until_day: str | None, base_url: str | None, paper_ids: tuple[str, ...],
                    progress: bool | None, as_json: bool) -> None:
    """Run one harvest of SOURCE now and print what it fetched.

    Sources: arxiv (OAI-PMH, incremental by datestamp), arxiv-api (given ids), arxiv-rss
    (today's new-submission feeds), hf (Hugging Face daily papers), github (stars of the
    repositories papers name). A failed page stops the run cleanly: what was stored stays,
    and the next run resumes without a gap.

    Exit status: 0 all stored, 1 some records rejected, 2 the run failed, 75 another
    harvest of the source is running, 130 interrupted.
    """
    if (from_day or until_day) and source not in DATED_SOURCES:
        raise click.UsageError(f"--from/--until apply to {' and '.join(DATED_SOURCES)} only")
    if key and source not in KEYED_SOURCES:
        raise click.UsageError(f"--set applies to {' and '.join(KEYED_SOURCES)} only")
    if paper_ids and source != "arxiv-api":
        raise click.UsageError("--id applies to arxiv-api only")
    if source == "arxiv-api" and not paper_ids:
        raise click.UsageError("arxiv-api needs at least one --id")
    if from_day and until_day and from_day > until_day:
        raise click.UsageError(f"--from {from_day} is after --until {until_day}")
    if base_url and not base_url.lower().startswith(("http://", "https://")):
        raise click.UsageError(f"--base-url must be an http(s) URL, not {base_url!r}")
    options = HarvestOptions(key=key, from_day=from_day, until_day=until_day, base_url=base_url,
                             ids=[i for raw in paper_ids for i in split_list(raw)])
    db = app.database()
    with harvest_progress(progress) as update:
        reports = run_harvest(db, app.config, get_source(source), options, progress=update)
    exit_code = max((r.exit_code for r in reports), default=0)
    if as_json:
        emit_json({"source": source, "runs": [r.as_dict() for r in reports],
                   "exit_code": exit_code})
    else:
        for report in reports:
            _print_report(report)
    sys.exit(exit_code)


def _print_report(report: HarvestReport) -> None:
    for rejection in report.rejections[:MAX_REJECTIONS_SHOWN]:
        stderr.print(f"rejected {rejection.origin}: {rejection.reason}", markup=False)
    hidden = report.rejected - min(len(report.rejections), MAX_REJECTIONS_SHOWN)
    if hidden > 0:
        stderr.print(f"... and {hidden:,} more rejections (use --json to list them)",
                     markup=False)
    if report.error:
        stderr.print(f"[red]{report.status}:[/red] {report.error}", markup=True,
                     highlight=False)
    watermark = report.watermark_after or "-"
    if report.watermark_after != report.watermark_before:
        watermark = f"{report.watermark_before or '-'} -> {watermark}"
    extra = "".join(f"  {name} {getattr(report, name):,}"
                    for name in ("deleted", "not_modified", "repaired")
                    if getattr(report, name))
    stdout.print(f"{report.source} {report.key or '-'}: {report.status}  "
                 f"fetched {report.fetched:,}  new {report.new:,}  updated {report.updated:,}  "
                 f"unchanged {report.unchanged:,}  rejected {report.rejected:,}  "
                 f"pages {report.pages:,}  retries {report.retries:,}{extra}  "
                 f"watermark {watermark}", markup=False)


def source_overview(app: AppContext) -> list[dict]:
    """Every source with its schedule, and each of its keys with watermark and last run."""
    config = app.config
    try:
        enabled = {s.name: s.cron for s in scheduled_sources(config)}
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    with app.database().read() as connection:
        states = {(s.source, s.key): s for s in list_states(connection)}
        runs = latest_runs(connection)
    rows = []
    for name, source in SOURCES.items():
        keys = set(source.keys(config, HarvestOptions()))
        keys |= {k for s, k in list(states) + list(runs) if s == name}
        for key in sorted(keys):
            state, run = states.get((name, key)), runs.get((name, key))
            rows.append({
                "source": name, "key": key, "description": source.description,
                "scheduled": name in enabled,
                "schedule": enabled.get(name) or (
                    getattr(config, SCHEDULE_SETTINGS[name]) + " (not enabled)"
                    if name in SCHEDULE_SETTINGS else "on demand"),
                "watermark": state.watermark if state else None,
                "resumable": bool(state and state.cursor),
                "last_run": None if run is None else {
                    k: run[k] for k in ("id", "status", "started_at", "finished_at", "fetched",
                                        "new", "updated", "rejected", "pages", "retries",
                                        "error")},
            })
    return rows


@click.command("sources")
@json_option
@pass_app
def sources_command(app: AppContext, as_json: bool) -> None:
    """List the sources: schedule, watermark and the outcome of the last run of each."""
    rows = source_overview(app)
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        run = row["last_run"]
        watermark = (row["watermark"] or "none") + (" (an unfinished list resumes)"
                                                    if row["resumable"] else "")
        stdout.print(f"{row['source']} {row['key'] or '-'}: schedule {row['schedule']}; "
                     f"watermark {watermark}", markup=False)
        if run is None:
            stdout.print("    last run: never", markup=False)
            continue
        stdout.print(f"    last run: {run['status']} at {run['finished_at'] or run['started_at']}"
                     f"  fetched {run['fetched']:,}  new {run['new']:,}  "
                     f"updated {run['updated']:,}  rejected {run['rejected']:,}  "
                     f"pages {run['pages']:,}  retries {run['retries']:,}", markup=False)
        if run["error"]:
            stdout.print(f"    error: {run['error']}", markup=False)


def start_jobs(config: Config, db: Database) -> HarvestScheduler:
    """The harvest scheduler, started; a bad schedule setting stops serve with its message."""
    try:
        scheduler = HarvestScheduler(db, config)
    except ConfigError as exc:
        raise click.UsageError(f"configuration: {exc}") from None
    caught_up = scheduler.start()
    names = ", ".join(s.name for s in scheduler.sources) or "none"
    stderr.print(f"scheduled harvests: {names}"
                 + (f" (catching up now: {', '.join(caught_up)})" if caught_up else ""),
                 markup=False)
    return scheduler


def register(group: click.Group) -> None:
    group.add_command(harvest_command)
    group.add_command(sources_command)
