"""What every source shares: the options of a run, its report, the context a source's run
works in, and `run_harvest`, which runs one source under its lock and logs the run.

A source fetches pages and hands their parse results to `Harvest.store`, which goes
through the same importer as files (same merge rules, idempotence and counting). It moves
its watermark with `Harvest.save_state` only after the pages before it are stored.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Protocol

from ..config import Config
from ..formats.base import ParseResult, Rejection
from ..ingest import ImportSummary, Importer, utc_now
from ..store import Database
from ..store.harvest_pages import PAGE_COUNTS, record_page
from ..store.harvest_runs import close_abandoned_runs, finish_run, start_run
from ..store.source_locks import SourceBusy, hold_source_lock
from ..store.source_state import SourceState, load_state, save_state
from .errors import HarvestError
from .http import PoliteClient

log = logging.getLogger("paperwire.harvest")
MAX_KEPT_REJECTIONS = 1_000
EXIT_BUSY = 75  # EX_TEMPFAIL: try again later


@dataclass
class HarvestOptions:
    key: str | None = None  # the OAI-PMH set or listing feed; None: the configured ones
    from_day: str | None = None
    until_day: str | None = None
    base_url: str | None = None
    ids: list[str] = field(default_factory=list)  # arxiv-api lookups

    def as_params(self) -> dict[str, Any]:
        return {k: v for k, v in (("set", self.key), ("from", self.from_day),
                                  ("until", self.until_day), ("base_url", self.base_url),
                                  ("ids", self.ids)) if v}


@dataclass
class HarvestReport:
    source: str
    key: str
    status: str = "running"  # ok, failed, interrupted, busy
    run_id: int | None = None
    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    deleted: int = 0
    not_modified: int = 0
    pages: int = 0
    retries: int = 0
    repaired: int = 0  # invalid byte sequences replaced in responses
    expected: int | None = None  # records or pages the run expects, when the source says
    watermark_before: str | None = None
    watermark_after: str | None = None
    error: str | None = None
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return {"busy": EXIT_BUSY, "interrupted": 130, "failed": 2}.get(
            self.status, 1 if self.rejected else 0)

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in (
            "fetched", "new", "updated", "unchanged", "rejected", "deleted", "not_modified",
            "pages", "retries", "repaired")}

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "key": self.key, "status": self.status,
                "run_id": self.run_id, **self.counts(),
                "watermark_before": self.watermark_before,
                "watermark_after": self.watermark_after, "error": self.error,
                "rejections": [{"origin": r.origin, "reason": r.reason}
                               for r in self.rejections],
                "exit_code": self.exit_code}


ProgressCallback = Callable[[HarvestReport], None]


class Harvest:
    """One run of one source for one key: what the source's code works with."""

    def __init__(self, db: Database, config: Config, source: Source, key: str,
                 options: HarvestOptions, state: SourceState, report: HarvestReport,
                 client: PoliteClient, *, clock: Callable[[], str] = utc_now,
                 progress: ProgressCallback | None = None):
        self.db, self.config, self.source, self.key = db, config, source, key
        self.options, self.state, self.report, self.client = options, state, report, client
        self.clock = clock
        self.progress = progress
        self.importer = Importer(db, batch_size=config.import_batch_size, clock=clock)
        # Where the current page started: its counts and its time are what has grown since.
        self._page_counts = self._counts()
        self._page_started = time.perf_counter()

    @property
    def base_url(self) -> str:
        return self.options.base_url or self.source.default_url(self.config)

    def today(self) -> date:
        return date.fromisoformat(self.clock()[:10])

    def first_day(self) -> date:
        """Where a run starts without --from: the watermark, else a few days back."""
        if self.state.watermark:
            return date.fromisoformat(self.state.watermark[:10])
        return self.today() - timedelta(days=self.config.harvest_first_days)

    def store(self, results: Iterable[ParseResult]) -> None:
        summary = ImportSummary()
        self.importer.import_results(results, summary)
        counts = summary.counts
        self.report.fetched += counts.read
        self.report.new += counts.new
        self.report.updated += counts.updated
        self.report.unchanged += counts.unchanged
        self.reject_all(summary.rejections, counted=counts.rejected)

    def reject(self, origin: str, reason: str) -> None:
        self.reject_all([Rejection(origin, reason)], counted=1)
        self.report.fetched += 1

    def reject_all(self, rejections: list[Rejection], *, counted: int) -> None:
        self.report.rejected += counted
        room = MAX_KEPT_REJECTIONS - len(self.report.rejections)
        self.report.rejections.extend(rejections[:max(room, 0)])

    def page_done(self) -> None:
        """Count a finished page and record it (its own short write: the page's papers and
        state are already committed, so an interrupted run keeps the rows of its pages)."""
        self.report.pages += 1
        counts, now = self._counts(), time.perf_counter()
        if self.report.run_id is not None:
            with self.db.write() as connection:
                record_page(connection, self.report.run_id, self.report.pages, self.clock(),
                            now - self._page_started,
                            {c: counts[c] - self._page_counts[c] for c in PAGE_COUNTS})
        self._page_counts, self._page_started = counts, now
        if self.progress:
            self.progress(self.report)

    def save_state(self) -> None:
        with self.db.write() as connection:
            save_state(connection, self.state, self.clock())

    def _counts(self) -> dict[str, int]:
        return {c: getattr(self.report, c) for c in PAGE_COUNTS}


class Source(Protocol):
    name: str
    description: str

    def keys(self, config: Config, options: HarvestOptions) -> list[str]: ...

    def default_url(self, config: Config) -> str: ...

    def request_interval(self, config: Config) -> float: ...

    def client_headers(self, config: Config) -> dict[str, str]: ...

    def run(self, harvest: Harvest) -> None: ...


class SettingsSource:
    """Defaults for a Source whose URL and spacing are settings and that has one key."""

    url_setting = ""
    interval_setting = ""

    def keys(self, config: Config, options: HarvestOptions) -> list[str]:
        return [""]

    def default_url(self, config: Config) -> str:
        return getattr(config, self.url_setting)

    def request_interval(self, config: Config) -> float:
        return getattr(config, self.interval_setting)

    def client_headers(self, config: Config) -> dict[str, str]:
        return {}


def split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def run_harvest(db: Database, config: Config, source: Source,
                options: HarvestOptions | None = None, *,
                progress: ProgressCallback | None = None,
                clock: Callable[[], str] = utc_now) -> list[HarvestReport]:
    """Run `source` once for each of its keys (sets, feeds). Another harvest of the same
    source already running makes every report "busy" without fetching anything."""
    options = options or HarvestOptions()
    keys = source.keys(config, options)
    reports: list[HarvestReport] = []
    try:
        with hold_source_lock(db, source.name):
            with db.write() as connection:
                close_abandoned_runs(connection, source.name, clock())
            current: list[HarvestReport] = []

            def count_retry(reason: str) -> None:
                if current:
                    current[-1].retries += 1
                log.warning("%s: %s", source.name, reason)

            with PoliteClient.from_config(config, min_interval=source.request_interval(config),
                                          headers=source.client_headers(config),
                                          on_retry=count_retry) as client:
                for key in keys:
                    report = HarvestReport(source.name, key)
                    current.append(report)
                    reports.append(report)
                    _run_key(db, config, source, key, options, report, client, clock, progress)
                    if report.status == "interrupted":
                        break
    except SourceBusy as exc:
        return [HarvestReport(source.name, key, status="busy", error=str(exc)) for key in keys]
    return reports


def _run_key(db: Database, config: Config, source: Source, key: str, options: HarvestOptions,
             report: HarvestReport, client: PoliteClient, clock: Callable[[], str],
             progress: ProgressCallback | None) -> None:
    with db.read() as connection:
        state = load_state(connection, source.name, key)
    report.watermark_before = state.watermark
    with db.write() as connection:
        report.run_id = start_run(connection, source.name, key, options.as_params(),
                                  state.watermark, clock())
    harvest = Harvest(db, config, source, key, options, state, report, client, clock=clock,
                      progress=progress)
    try:
        source.run(harvest)
        report.status = "ok"
    except HarvestError as exc:
        report.status, report.error = "failed", str(exc)
    except KeyboardInterrupt:
        report.status, report.error = "interrupted", "interrupted; the pages stored are kept"
    except Exception as exc:  # a bug or a database failure: record it, keep the process up
        log.exception("%s harvest of %r failed", source.name, key)
        report.status, report.error = "failed", f"unexpected {type(exc).__name__}: {exc}"
    finally:
        report.watermark_after = harvest.state.watermark
        with db.write() as connection:
            finish_run(connection, report.run_id, report.status, report.counts(),
                       report.watermark_after, report.error, clock())
    log.info("%s %s: %s, fetched %d, new %d, updated %d, rejected %d, pages %d, retries %d",
             source.name, key or "-", report.status, report.fetched, report.new,
             report.updated, report.rejected, report.pages, report.retries)


def day_range(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def utc_today() -> date:
    return datetime.now(timezone.utc).date()
