"""`paperwire embed` and the background embedder in `serve`: embed what is missing, in
batches, one transaction per batch. An interrupted run keeps its finished batches and the
next run continues with the rest; reads are never blocked, so the server keeps serving."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from ..store import Database
from ..store import embeddings as stored
from .model import Embedder, paper_text

log = logging.getLogger("paperwire.embed")


@dataclass
class EmbedReport:
    embedded: int = 0
    unchanged: int = 0  # re-checked after a change that left the text alone
    pending_before: int = 0
    pruned: int = 0  # vectors of other models removed at the end of a complete run


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def text_hash(value: str) -> str:
    return hashlib.blake2b(value.encode("utf-8", "replace"), digest_size=16).hexdigest()


def embed_missing(db: Database, embedder: Embedder, *, batch_size: int = 256,
                  limit: int | None = None, progress: Callable[[int], None] | None = None,
                  stop: threading.Event | None = None) -> EmbedReport:
    report = EmbedReport()
    with db.read() as connection:
        report.pending_before = stored.count_pending(connection, embedder.key)
    after = ""
    while not (stop and stop.is_set()):
        size = batch_size if limit is None else min(batch_size, limit - report.embedded)
        if size <= 0:
            break
        with db.read() as connection:
            batch = stored.pending_papers(connection, embedder.key, size, after)
        if not batch:
            break
        after = batch[-1].id
        texts = [paper_text(p.title, p.abstract) for p in batch]
        hashes = [text_hash(t) for t in texts]
        fresh = [i for i, p in enumerate(batch) if p.text_hash != hashes[i]]
        fresh_set = set(fresh)
        vectors = embedder.encode([texts[i] for i in fresh])
        now = _now()
        with db.write() as connection:
            stored.save_vectors(connection, embedder.key, [
                (batch[i].id, vector, hashes[i], batch[i].changed_at)
                for i, vector in zip(fresh, vectors)], now)
            stored.mark_unchanged(connection, embedder.key, [
                (p.id, p.changed_at) for i, p in enumerate(batch) if i not in fresh_set], now)
        report.embedded += len(fresh)
        report.unchanged += len(batch) - len(fresh)
        if progress:
            progress(len(batch))
    if not (stop and stop.is_set()) and limit is None:
        with db.write() as connection:
            report.pruned = stored.delete_other_models(connection, embedder.key)
        if report.pruned:
            log.info("removed %d vectors of other embedding models", report.pruned)
    return report


class BackgroundEmbedder:
    """A daemon thread in `serve`: every `interval` seconds, embed what is missing."""

    def __init__(self, db: Database, embedder: Embedder, interval: float = 60.0,
                 batch_size: int = 64):
        self.db, self.embedder, self.interval, self.batch_size = db, embedder, interval, batch_size
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="paperwire-embed", daemon=True)

    def start(self) -> BackgroundEmbedder:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                report = embed_missing(self.db, self.embedder, batch_size=self.batch_size,
                                       stop=self._stop)
                if report.embedded:
                    log.info("embedded %d new papers", report.embedded)
            except Exception:  # noqa: BLE001 - logged; the server keeps serving
                log.exception("background embedding failed; retrying later")
            self._stop.wait(self.interval)

    def shutdown(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
