"""The in-process vector index: a cache of the vectors stored in the database.

Exact (a float32 matrix, one product per query) while small; an HNSW index (usearch, int8
storage: a quarter of float32's memory) above `exact_max` vectors, saved to a cache file
so a restart does not rebuild it. A missing or unreadable cache file is rebuilt from the
database, with a log line saying so. New vectors are picked up by the embedded_at watermark.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from datetime import date
from pathlib import Path
from typing import Callable

import numpy as np
import orjson

from ..store import Database
from ..store import embeddings as stored

log = logging.getLogger("paperwire.search")
DIMENSIONS = 384
NO_DAY = -1  # a paper without a publication date: outside every date filter
SMALL_SUBSET = 20000  # a filter leaving this few papers is scanned, not walked
RERANK = 3  # int8 scores only shortlist: k * RERANK candidates are re-scored in float32


def day_number(value: str | date | None) -> int:
    if not value:
        return NO_DAY
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return NO_DAY
    return day.toordinal()


class VectorIndex:
    """Vectors of one model with their papers' ids and publication days."""

    def __init__(self, model: str, exact_max: int = 100_000, cache_file: Path | None = None,
                 fetch: Callable[[list[str]], dict[str, np.ndarray]] | None = None):
        self.model, self.exact_max, self.cache_file = model, exact_max, cache_file
        self.fetch = fetch  # float32 vectors by paper id (the database), to re-score with
        self.ids: list[str] = []
        self.rows: dict[str, int] = {}
        self.days = np.zeros(0, dtype=np.int32)
        self.matrix = np.zeros((0, DIMENSIONS), dtype=np.float32)  # exact mode only
        self.ann = None  # usearch Index in ANN mode
        self.watermark: tuple[int, str | None] = (0, None)
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def is_ann(self) -> bool:
        return self.ann is not None

    # --- building -------------------------------------------------------------------
    def add(self, ids: list[str], vectors: np.ndarray, days: np.ndarray) -> None:
        """Add or replace vectors (by paper id)."""
        with self._lock:
            vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, DIMENSIONS)
            new_rows, new_ids = [], []
            for paper_id, vector, day in zip(ids, vectors, days):
                row = self.rows.get(paper_id)
                if row is None:
                    new_ids.append(paper_id)
                    new_rows.append((vector, day))
                    continue
                self.days[row] = day
                if self.ann is None:
                    self.matrix[row] = vector
                else:
                    self.ann.remove(row)
                    self.ann.add(row, vector)
            if not new_ids:
                return
            start = len(self.ids)
            for offset, paper_id in enumerate(new_ids):
                self.rows[paper_id] = start + offset
            self.ids += new_ids
            block = np.stack([v for v, _ in new_rows])
            self.days = np.concatenate([self.days, np.array([d for _, d in new_rows],
                                                            dtype=np.int32)])
            if self.ann is None:
                self.matrix = np.concatenate([self.matrix, block])
                if len(self.ids) > self.exact_max:
                    self._to_ann()
            else:
                self.ann.add(np.arange(start, start + len(new_ids), dtype=np.uint64), block)

    def _to_ann(self) -> None:
        from usearch.index import Index
        log.info("vector index: %d vectors, switching to HNSW (usearch, int8)", len(self.ids))
        ann = Index(ndim=DIMENSIONS, metric="cos", dtype="i8", connectivity=16,
                    expansion_add=128, expansion_search=96)
        ann.add(np.arange(len(self.ids), dtype=np.uint64), self.matrix)
        self.ann = ann
        self.matrix = np.zeros((0, DIMENSIONS), dtype=np.float32)

    # --- searching ------------------------------------------------------------------
    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
               ) -> list[tuple[str, float]]:
        """The k nearest papers (cosine), among `allowed` rows (a boolean mask) if given."""
        with self._lock:
            n = len(self.ids)
            if n == 0 or k <= 0:
                return []
            query = np.asarray(query, dtype=np.float32).reshape(DIMENSIONS)
            if allowed is not None:
                allowed = allowed[:n]
                count = int(allowed.sum())
                if count == 0:
                    return []
                if self.ann is None or count <= SMALL_SUBSET:
                    rows = np.flatnonzero(allowed)
                    return self._exact(query, k, rows)
                return self._ann_filtered(query, k, allowed, count)
            if self.ann is None:
                return self._exact(query, k, None)
            matches = self.ann.search(query, min(n, self._shortlist(k)))
            return self._rescore(query, k, [(self.ids[int(key)], 1.0 - float(d))
                                            for key, d in zip(matches.keys, matches.distances)])

    def _shortlist(self, k: int) -> int:
        return k * RERANK + 16 if self.fetch else k

    def _rescore(self, query: np.ndarray, k: int, found: list[tuple[str, float]]
                 ) -> list[tuple[str, float]]:
        """Exact float32 scores for an int8 shortlist (the stored vectors are the truth)."""
        if self.fetch is None or not found:
            return found[:k]
        vectors = self.fetch([i for i, _ in found])
        scored = [(i, float(vectors[i] @ query)) if i in vectors else (i, s) for i, s in found]
        scored.sort(key=lambda pair: -pair[1])
        return scored[:k]

    def _exact(self, query: np.ndarray, k: int, rows: np.ndarray | None
               ) -> list[tuple[str, float]]:
        if self.ann is None:
            matrix = self.matrix if rows is None else self.matrix[rows]
        else:  # a small filtered subset of an ANN index: scan its int8 vectors
            matrix = np.asarray(self.ann.get(rows.astype(np.uint64)), dtype=np.float32)
            matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        scores = matrix @ query
        wanted = min(self._shortlist(k) if self.ann is not None else k, len(scores))
        top = np.argpartition(-scores, wanted - 1)[:wanted]
        top = top[np.argsort(-scores[top], kind="stable")]
        chosen = top if rows is None else rows[top]
        found = [(self.ids[int(r)], float(scores[t])) for r, t in zip(chosen, top)]
        return self._rescore(query, k, found) if self.ann is not None else found

    def _ann_filtered(self, query: np.ndarray, k: int, allowed: np.ndarray, count: int
                      ) -> list[tuple[str, float]]:
        n = len(self.ids)
        shortlist = self._shortlist(k)
        want = min(n, int(shortlist * n / count * 2) + 64)
        while True:
            matches = self.ann.search(query, want)
            found = [(self.ids[int(key)], 1.0 - float(d))
                     for key, d in zip(matches.keys, matches.distances) if allowed[int(key)]]
            if len(found) >= shortlist or want >= n:
                return self._rescore(query, k, found[:shortlist])
            want = min(n, want * 4)

    # --- the cache file (ANN mode) ----------------------------------------------------
    def save(self) -> None:
        if self.ann is None or self.cache_file is None:
            return
        path = self.cache_file
        path.parent.mkdir(parents=True, exist_ok=True)
        self.ann.save(str(path.with_suffix(".tmp")))
        path.with_suffix(".tmp").replace(path)
        meta = {"model": self.model, "ids": self.ids, "days": self.days.tolist(),
                "watermark": list(self.watermark)}
        side = path.with_suffix(".meta.tmp")
        side.write_bytes(orjson.dumps(meta))
        side.replace(path.with_suffix(".meta"))

    def load(self) -> bool:
        """Read the cache file; False (and a log line) when it is missing or unreadable."""
        from usearch.index import Index
        path = self.cache_file
        if path is None:
            return False
        try:
            meta = orjson.loads(path.with_suffix(".meta").read_bytes())
            ann = Index.restore(str(path))
            if ann is None or meta.get("model") != self.model or len(ann) != len(meta["ids"]):
                raise ValueError("index and its id list disagree")
        except Exception as exc:  # noqa: BLE001 - any damage means: rebuild
            log.warning("vector index cache %s missing or unreadable (%s): rebuilding it from "
                        "the database", path, exc)
            return False
        self.ann = ann
        self.ids = list(meta["ids"])
        self.rows = {paper_id: row for row, paper_id in enumerate(self.ids)}
        self.days = np.array(meta["days"], dtype=np.int32)
        self.watermark = (int(meta["watermark"][0]), meta["watermark"][1])
        return True

    def memory_bytes(self) -> int:
        vectors = self.matrix.nbytes if self.ann is None else int(self.ann.memory_usage)
        return vectors + self.days.nbytes


class IndexCache:
    """One VectorIndex per (database, model) in this process, kept in step with the
    database by its watermark, checked at most every `refresh_seconds`."""

    def __init__(self) -> None:
        self._indexes: dict[tuple[str, str], tuple[VectorIndex, list[float]]] = {}
        self._lock = threading.Lock()

    def get(self, db: Database, model: str, *, cache_dir: Path | None, exact_max: int,
            refresh_seconds: float = 2.0) -> VectorIndex:
        key = (db.url, model)
        with self._lock:
            if key not in self._indexes:
                name = hashlib.sha256(f"{db.url}|{model}".encode()).hexdigest()[:16]
                cache_file = cache_dir / "search" / f"vectors-{name}.usearch" if cache_dir else None
                index = VectorIndex(model, exact_max, cache_file, _database_fetch(db, model))
                if cache_file is not None and cache_file.exists():
                    index.load()
                elif cache_file is not None:
                    log.info("no vector index cache at %s: building it from the database",
                             cache_file)
                self._indexes[key] = (index, [0.0])
            index, checked = self._indexes[key]
        if time.monotonic() - checked[0] >= refresh_seconds:
            sync(db, index)
            checked[0] = time.monotonic()
        return index

    def clear(self) -> None:
        with self._lock:
            self._indexes.clear()


def sync(db: Database, index: VectorIndex) -> None:
    """Bring the index up to the database: load vectors embedded since its watermark (all
    of them when the count went down, e.g. after papers were deleted)."""
    with db.read() as connection:
        current = stored.watermark(connection, index.model)
        if current == index.watermark:
            return
        if current[0] < index.watermark[0]:  # vectors were removed: start again
            fresh = VectorIndex(index.model, index.exact_max, index.cache_file, index.fetch)
            index.__dict__.update({k: v for k, v in fresh.__dict__.items() if k != "_lock"})
        since = index.watermark[1]
        for chunk in stored.iter_vectors(connection, index.model, since):
            ids = [r[0] for r in chunk]
            vectors = np.frombuffer(b"".join(bytes(r[1]) for r in chunk),
                                    dtype="<f4").reshape(-1, DIMENSIONS)
            index.add(ids, vectors, np.array([day_number(r[2]) for r in chunk], dtype=np.int32))
    index.watermark = current
    index.save()


def _database_fetch(db: Database, model: str) -> Callable[[list[str]], dict[str, np.ndarray]]:
    def fetch(paper_ids: list[str]) -> dict[str, np.ndarray]:
        with db.read() as connection:
            return stored.vectors_for(connection, model, paper_ids)
    return fetch


INDEXES = IndexCache()
