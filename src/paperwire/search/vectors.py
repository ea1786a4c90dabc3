"""The in-process vector index: a cache of the vectors stored in the database.

Exact (a float32 matrix, one product per query) while small; above `exact_max` vectors an
IVF index with int8 codes (faiss IndexIVFScalarQuantizer: a quarter of float32's memory,
filters applied inside the scan by an id bitmap), saved to a cache file so a restart does
not rebuild it. Measured against usearch HNSW: building HNSW over 1M vectors takes
longer than a quarter of an hour on 2 cores, IVF about a minute (docs/PERFORMANCE.md). A missing or unreadable cache file is rebuilt from the
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
from ..store.instance import instance_id

log = logging.getLogger("paperwire.search")
DIMENSIONS = 384
NO_DAY = -1  # a paper without a publication date: outside every date filter
RERANK = 3  # int8 scores only shortlist: k * RERANK candidates are re-scored in float32
NPROBE = 24  # IVF lists scanned per query (more when a filter leaves too few)


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
        self.ann = None  # faiss IVF index in ANN mode
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
            if not self.ids and len(set(ids)) == len(ids):  # a fresh build: all at once
                self.ids = list(ids)
                self.rows = {paper_id: row for row, paper_id in enumerate(self.ids)}
                self.days = np.asarray(days, dtype=np.int32).copy()
                self.matrix = vectors
                if len(self.ids) > self.exact_max:
                    self._to_ann()
                return
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
                    self.ann.remove_ids(np.array([row], dtype=np.int64))
                    self.ann.add_with_ids(vector[None, :], np.array([row], dtype=np.int64))
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
                self.ann.add_with_ids(block, np.arange(start, start + len(new_ids),
                                                       dtype=np.int64))

    def _to_ann(self) -> None:
        import faiss
        n = len(self.ids)
        lists = max(1, min(4096, int(np.sqrt(n)), n // 39))
        log.info("vector index: %d vectors, switching to IVF (faiss, %d lists, int8)", n, lists)
        ann = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(DIMENSIONS), DIMENSIONS, lists,
                                            faiss.ScalarQuantizer.QT_8bit,
                                            faiss.METRIC_INNER_PRODUCT)
        sample = np.random.default_rng(0).choice(n, min(n, lists * 64), replace=False)
        ann.train(self.matrix[np.sort(sample)])
        ann.add_with_ids(self.matrix, np.arange(n, dtype=np.int64))
        self.ann = ann
        self.matrix = np.zeros((0, DIMENSIONS), dtype=np.float32)

    # --- searching ------------------------------------------------------------------
    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None,
               exact: int | None = None) -> list[tuple[str, float]]:
        """The k nearest papers (cosine), among `allowed` rows (a boolean mask) if given.
        In ANN mode the best `exact` (default: all k) are re-scored with the stored float32
        vectors; the rest keep their int8 scores (each re-scored vector is a database read:
        the part of a query that grows with it)."""
        with self._lock:
            n = len(self.ids)
            if n == 0 or k <= 0:
                return []
            query = np.asarray(query, dtype=np.float32).reshape(DIMENSIONS)
            if allowed is not None:
                allowed = allowed[:n]
                if not allowed.any():
                    return []
            if self.ann is None:
                return self._exact(query, k, allowed)
            exact = k if exact is None else min(k, exact)
            found = self._ann(query, max(k, self._shortlist(exact)), allowed)
            head = self._rescore(query, exact, found[:self._shortlist(exact)])
            chosen = {i for i, _ in head}
            return (head + [pair for pair in found if pair[0] not in chosen])[:k]

    def _ann(self, query: np.ndarray, wanted: int, allowed: np.ndarray | None
             ) -> list[tuple[str, float]]:
        """IVF search; a filter is applied inside the scan (an id bitmap), and more lists
        are scanned until `wanted` allowed papers are found or every list was."""
        import faiss
        wanted = min(wanted, len(self.ids) if allowed is None else int(allowed.sum()))
        selector = None
        if allowed is not None:
            bits = np.packbits(allowed.astype(np.uint8), bitorder="little")
            selector = faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(bits))
        nprobe = NPROBE
        while True:
            params = faiss.SearchParametersIVF(nprobe=min(nprobe, self.ann.nlist), sel=selector)
            scores, keys = self.ann.search(query[None, :], wanted, params=params)
            found = [(self.ids[int(key)], float(score))
                     for key, score in zip(keys[0], scores[0]) if key >= 0]
            if len(found) >= wanted or nprobe >= self.ann.nlist:
                return found
            nprobe *= 4

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

    def _exact(self, query: np.ndarray, k: int, allowed: np.ndarray | None
               ) -> list[tuple[str, float]]:
        scores = self.matrix @ query  # one pass over the matrix; the filter masks scores
        if allowed is not None:
            scores[~allowed] = -np.inf
            k = min(k, int(allowed.sum()))
        k = min(k, len(scores))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[int(r)], float(scores[r])) for r in top]

    # --- the cache file (ANN mode) ----------------------------------------------------
    def save(self) -> None:
        if self.ann is None or self.cache_file is None:
            return
        path = self.cache_file
        path.parent.mkdir(parents=True, exist_ok=True)
        import faiss
        faiss.write_index(self.ann, str(path.with_suffix(".tmp")))
        path.with_suffix(".tmp").replace(path)
        meta = {"model": self.model, "ids": self.ids, "days": self.days.tolist(),
                "watermark": list(self.watermark)}
        side = path.with_suffix(".meta.tmp")
        side.write_bytes(orjson.dumps(meta))
        side.replace(path.with_suffix(".meta"))

    def load(self) -> bool:
        """Read the cache file; False (and a log line) when it is missing or unreadable."""
        import faiss
        path = self.cache_file
        if path is None:
            return False
        try:
            meta = orjson.loads(path.with_suffix(".meta").read_bytes())
            ann = faiss.read_index(str(path))
            if meta.get("model") != self.model or ann.ntotal != len(meta["ids"]):
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
        if self.ann is None:
            return self.matrix.nbytes + self.days.nbytes
        codes = self.ann.ntotal * (self.ann.sa_code_size() + 8)  # int8 code + id per vector
        return codes + self.ann.nlist * DIMENSIONS * 4 + self.days.nbytes


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
                # By the database's id, not its URL: the same on every machine.
                name = hashlib.sha256(f"{instance_id(db)}|{model}".encode()).hexdigest()[:16]
                cache_file = cache_dir / "search" / f"vectors-{name}.faiss" if cache_dir else None
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

    def size(self, db: Database) -> int:
        """Vectors in this database's indexes in this process."""
        return sum(len(index) for (url, _), (index, _) in list(self._indexes.items())
                   if url == db.url)

    def clear(self) -> None:
        with self._lock:
            self._indexes.clear()


def sync(db: Database, index: VectorIndex) -> None:
    """Bring the index up to the database: load vectors embedded since its watermark (all
    of them after a removal, e.g. of a deleted paper's vector)."""
    with db.read() as connection:
        current = stored.watermark(connection, index.model)
        if current == index.watermark:
            return
        if current[0] != index.watermark[0] or (current[1] or "") < (index.watermark[1] or ""):
            # vectors were removed (or the database was replaced): start again
            fresh = VectorIndex(index.model, index.exact_max, index.cache_file, index.fetch)
            index.__dict__.update({k: v for k, v in fresh.__dict__.items() if k != "_lock"})
        since = index.watermark[1]
        if len(index) == 0:  # a fresh build: fill one array, no copies per chunk
            ids, days = [], []
            matrix = np.empty((stored.count_embedded(connection, index.model), DIMENSIONS),
                              dtype=np.float32)
            for chunk in stored.iter_vectors(connection, index.model):
                for row in chunk:
                    if len(ids) == len(matrix):
                        break  # vectors added since the count was read: the next sync
                    matrix[len(ids)] = np.frombuffer(bytes(row[1]), dtype="<f4")
                    ids.append(row[0])
                    days.append(day_number(row[2]))
            index.add(ids, matrix[:len(ids)], np.array(days, dtype=np.int32))
            index.watermark = current
            index.save()
            return
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
