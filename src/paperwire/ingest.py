"""The pipeline from source records to the store: parse -> dedupe/merge -> write in batches.

Each batch commits whole or not at all, so a crash or Ctrl-C leaves whole batches.
Every incoming record is counted once as new, updated, unchanged or rejected.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import orjson
from sqlalchemy import text

from . import formats
from .formats.base import STREAM_ERRORS, ParseOptions, Parsed, ParseResult, Rejection
from .formats.inputs import InputError, InputFile, expand_paths, open_inputs
from .parallel_parse import ParallelParser
from .records import PaperRecord, iso_utc, merge
from .store import Database, metrics
from .store.checkpoint import background_checkpoints
from .store.papers import (
    decode_paper, encode_paper, insert_papers, load_papers, lock_for_ingest, replace_papers,
)

MAX_KEPT_REJECTIONS = 10_000



@dataclass
class Counts:
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def add(self, other: Counts) -> None:
        for name in ("read", "new", "updated", "unchanged", "rejected"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return {"read": self.read, "new": self.new, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": self.rejected}


@dataclass
class FileSummary:
    name: str
    format: str | None
    counts: Counts = field(default_factory=Counts)


@dataclass
class ImportSummary:
    counts: Counts = field(default_factory=Counts)
    files: list[FileSummary] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # inputs that could not be read at all
    interrupted: bool = False

    @property
    def exit_code(self) -> int:
        """0 all well; 1 some records or inputs rejected; 2 nothing could be read."""
        if self.counts.read == 0 and (self.errors or not self.files):
            return 2
        if self.counts.rejected or self.errors:
            return 1
        return 0

    def as_dict(self) -> dict:
        return {
            **self.counts.as_dict(),
            "files": [{"name": f.name, "format": f.format, **f.counts.as_dict()} for f in self.files],
            "rejections": [{"origin": r.origin, "reason": r.reason} for r in self.rejections],
            "rejections_not_listed": self.counts.rejected - len(self.rejections),
            "errors": self.errors,
            "interrupted": self.interrupted,
            "exit_code": self.exit_code,
        }


def utc_now() -> str:
    return iso_utc(datetime.now(timezone.utc))


class BatchWriter:
    """Merges papers into the store a batch at a time. Papers arrive encoded
    (store.papers.encode_paper), so that new ones go straight into the insert."""

    def __init__(self, db: Database, *, clock: Callable[[], str] = utc_now):
        self.db = db
        self.clock = clock

    def write(self, papers: list[list]) -> Counts:
        counts = Counts(read=len(papers))
        if not papers:
            return counts
        with self.db.write() as connection:
            lock_for_ingest(connection)
            keys = [encoded[0] for encoded in papers]
            stored = {key: paper.record for key, paper in load_papers(connection, keys).items()}
            fresh: dict[str, list] = {}  # new papers, still encoded
            merged: dict[str, PaperRecord] = {}  # papers changed by this batch, decoded
            for key, encoded in zip(keys, papers):
                current = merged.get(key) or stored.get(key)
                if current is None and key in fresh:
                    current = merged[key] = decode_paper(fresh.pop(key))
                if current is None:
                    fresh[key] = encoded
                    counts.new += 1
                    continue
                result = merge(current, decode_paper(encoded))
                if result == current:
                    counts.unchanged += 1
                else:
                    merged[key] = result
                    counts.updated += 1
            now = self.clock()
            new_papers = list(fresh.values())
            new_papers += [encode_paper(r) for k, r in merged.items() if k not in stored]
            insert_papers(connection, new_papers, now)
            replace_papers(connection, [(stored[k], r) for k, r in merged.items()
                                        if k in stored and r != stored[k]], now)
            metrics.record(connection, metrics.observations(papers, now[:10]))
        return counts


ProgressCallback = Callable[[str, int, int], None]  # (input name, bytes done, bytes total)


def _encoded(results: Iterable[ParseResult]) -> Iterator[Rejection | list]:
    for result in results:
        yield result if isinstance(result, Rejection) else encode_paper(result.record)


class Importer:
    """Imports files (and any stream of parse results) into the store, batch by batch.

    Line-oriented inputs of at least `parallel_min_bytes` are parsed by `workers`
    processes while this one writes."""

    def __init__(self, db: Database, *, batch_size: int = 2000,
                 options: ParseOptions | None = None,
                 progress: ProgressCallback | None = None,
                 clock: Callable[[], str] = utc_now,
                 workers: int | None = None,
                 parallel_min_bytes: int = 16 << 20):
        self.db = db
        self.batch_size = batch_size
        self.options = options or ParseOptions()
        self.progress = progress
        self.writer = BatchWriter(db, clock=clock)
        self.clock = clock
        self.workers = os.cpu_count() or 1 if workers is None else workers
        self.parallel_min_bytes = parallel_min_bytes

    # -- files ---------------------------------------------------------------------------

    def import_paths(self, paths: Iterable[str], format_name: str | None = None) -> ImportSummary:
        paths = list(paths)
        summary = ImportSummary()
        forced = formats.by_name(format_name) if format_name else None
        run_id = self._start_run(paths)
        parser = ParallelParser(self.workers)
        try:
            with _relaxed_gc(), background_checkpoints(self.db):
                for path in expand_paths(paths):
                    self._import_path(path, forced, summary, parser)
        except KeyboardInterrupt:
            summary.interrupted = True
        finally:
            parser.close()
            self._finish_run(run_id, summary)
        return summary

    def _import_path(self, path: Path, forced, summary: ImportSummary,  # noqa: ANN001
                     parser: ParallelParser) -> None:
        total = path.stat().st_size if path.is_file() else 0
        try:
            for input_file in open_inputs(path):
                self._import_input(input_file, forced, total, summary, parser)
        except InputError as exc:
            summary.errors.append(str(exc))

    def _import_input(self, input_file: InputFile, forced, total: int,  # noqa: ANN001
                      summary: ImportSummary, parser: ParallelParser) -> None:
        fmt = forced or formats.detect(input_file.head, input_file.name)
        file_summary = FileSummary(input_file.name, fmt.name if fmt else None)
        summary.files.append(file_summary)
        if fmt is None:
            summary.errors.append(f"{input_file.name}: unrecognised format "
                                  "(use --format to name it)")
            return
        if (hasattr(fmt, "parse_line") and total >= self.parallel_min_bytes
                and parser.available()):
            items = parser.encoded(fmt, input_file, self.options)
        else:
            items = _encoded(fmt.parse(input_file.stream, input_file.name, self.options))
        tick = (lambda: self.progress(input_file.name, input_file.progress(), total)) \
            if self.progress else None
        self._consume(_stop_at_stream_error(items, input_file.name), summary, file_summary, tick)

    # -- any source of parse results (files here, harvesters elsewhere) --------------------

    def import_results(self, results: Iterable[ParseResult], summary: ImportSummary,
                       file_summary: FileSummary | None = None) -> None:
        self._consume(_encoded(results), summary, file_summary, None)

    def _consume(self, items: Iterable[Rejection | list], summary: ImportSummary,
                 file_summary: FileSummary | None, tick: Callable[[], None] | None) -> None:
        batch: list[list] = []
        for item in items:
            if isinstance(item, Rejection):
                self._reject(item, summary, file_summary)
                continue
            batch.append(item)
            if len(batch) >= self.batch_size:
                self._flush(batch, summary, file_summary)
                batch = []
                if tick:
                    tick()
        self._flush(batch, summary, file_summary)
        if tick:
            tick()

    def _flush(self, batch: list[list], summary: ImportSummary,
               file_summary: FileSummary | None) -> None:
        counts = self.writer.write(batch)
        summary.counts.add(counts)
        if file_summary:
            file_summary.counts.add(counts)

    def _reject(self, rejection: Rejection, summary: ImportSummary,
                file_summary: FileSummary | None) -> None:
        summary.counts.read += 1
        summary.counts.rejected += 1
        if file_summary:
            file_summary.counts.read += 1
            file_summary.counts.rejected += 1
        if len(summary.rejections) < MAX_KEPT_REJECTIONS:
            summary.rejections.append(rejection)

    # -- the import_runs log -------------------------------------------------------------

    def _start_run(self, paths: list[str]) -> int | None:
        with self.db.write() as connection:
            return connection.execute(text(
                "INSERT INTO import_runs (started_at, inputs, status) "
                "VALUES (:started, :inputs, 'running') RETURNING id"),
                {"started": self.clock(), "inputs": orjson.dumps(paths).decode()}).scalar()

    def _finish_run(self, run_id: int | None, summary: ImportSummary) -> None:
        status = "interrupted" if summary.interrupted else ("ok" if summary.exit_code == 0 else
                                                            "with_rejections")
        with self.db.write() as connection:
            connection.execute(text(
                "UPDATE import_runs SET finished_at = :finished, status = :status, read = :read, "
                "new = :new, updated = :updated, unchanged = :unchanged, rejected = :rejected "
                "WHERE id = :id"),
                {"finished": self.clock(), "status": status, "id": run_id,
                 **summary.counts.as_dict()})


@contextlib.contextmanager
def _relaxed_gc() -> Iterator[None]:
    """Imports allocate millions of short-lived, acyclic objects; collecting the young
    generation less often saves a third of the parse time."""
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 50)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _stop_at_stream_error(items: Iterator[Rejection | list], name: str
                          ) -> Iterator[Rejection | list]:
    """A truncated or corrupt stream ends the input with one rejection; everything read
    before it is kept. (Line readers report the exact line themselves.)"""
    try:
        yield from items
    except STREAM_ERRORS as exc:
        yield Rejection(name, f"input ends early or is corrupt: {exc}")


def import_paths(db: Database, paths: Iterable[str], *, format_name: str | None = None,
                 batch_size: int = 2000, options: ParseOptions | None = None,
                 progress: ProgressCallback | None = None) -> ImportSummary:
    return Importer(db, batch_size=batch_size, options=options,
                    progress=progress).import_paths(paths, format_name)


__all__ = ["BatchWriter", "Counts", "ImportSummary", "Importer", "Parsed", "import_paths"]
