"""The candidates: vectors of the papers published in the last N days (of the newest paper
we have), held in memory per process and database, reloaded when the stored vectors
change (their watermark), checked at most every few seconds."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from sqlalchemy import text

from ..search.vectors import DIMENSIONS, day_number
from ..store import Database
from ..store import embeddings as stored


@dataclass
class RecentPool:
    ids: list[str]
    matrix: np.ndarray  # (n, d) float32, unit rows
    days: np.ndarray  # (n,) publication day numbers (date.toordinal)
    rows: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.rows:
            self.rows = {paper_id: row for row, paper_id in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def newest_day(self) -> int | None:
        return int(self.days.max()) if len(self.days) else None

    def rows_matrix(self, rows: np.ndarray) -> np.ndarray:
        if len(rows) and rows[-1] - rows[0] + 1 == len(rows):
            return self.matrix[rows[0]:rows[-1] + 1]
        return self.matrix[rows]

    def window(self, days: int) -> np.ndarray:
        """Rows of the last `days` days (the pre-filter every request applies)."""
        newest = self.newest_day
        if newest is None:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(self.days > newest - days)


def load_pool(db: Database, model: str, days: int) -> RecentPool:
    with db.read() as connection:
        newest = connection.execute(text(
            "SELECT MAX(p.published_at) FROM papers p JOIN paper_embeddings e "
            "ON e.paper_id = p.id AND e.model = :m"), {"m": model}).scalar()
        if not newest:
            return RecentPool([], np.zeros((0, DIMENSIONS), dtype=np.float32),
                              np.zeros(0, dtype=np.int32))
        since = (date.fromisoformat(str(newest)[:10]) - timedelta(days=days - 1)).isoformat()
        rows = connection.execute(text(
            "SELECT e.paper_id, e.vector, p.published_at FROM paper_embeddings e "
            "JOIN papers p ON p.id = e.paper_id WHERE e.model = :m AND p.published_at >= :since "
            "ORDER BY p.published_at, e.paper_id"), {"m": model, "since": since}).all()
    matrix = np.frombuffer(b"".join(bytes(r.vector) for r in rows),
                           dtype="<f4").reshape(-1, DIMENSIONS).copy()
    return RecentPool([r.paper_id for r in rows], matrix,
                      np.array([day_number(r.published_at) for r in rows], dtype=np.int32))


class PoolCache:
    def __init__(self, refresh_seconds: float = 5.0) -> None:
        self.refresh_seconds = refresh_seconds
        self._pools: dict[tuple[str, str, int], tuple[RecentPool, tuple, float]] = {}
        self._lock = threading.Lock()

    def get(self, db: Database, model: str, days: int) -> RecentPool:
        key = (db.url, model, days)
        with self._lock:
            known = self._pools.get(key)
            if known is not None and time.monotonic() - known[2] < self.refresh_seconds:
                return known[0]
            with db.read() as connection:
                mark = stored.watermark(connection, model)
            if known is not None and known[1] == mark:
                self._pools[key] = (known[0], mark, time.monotonic())
                return known[0]
            pool = load_pool(db, model, days)
            self._pools[key] = (pool, mark, time.monotonic())
            return pool

    def clear(self) -> None:
        with self._lock:
            self._pools.clear()


POOLS = PoolCache()
