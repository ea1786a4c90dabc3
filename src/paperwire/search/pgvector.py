"""Semantic top-k inside PostgreSQL: pgvector's HNSW index, with the filters in the same
WHERE, so a filtered search still returns k papers when k match.

pgvector 0.8+ scans the graph on until enough rows pass the filter (iterative scan); older
versions stop after `hnsw.ef_search` candidates, so a short answer is retried with a wider
search, then exactly (an ORDER BY the index cannot serve).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import numpy as np
from sqlalchemy import text

from ..config import Config
from ..store import Database
from ..store import pgvector as storage
from .filters import Filters

log = logging.getLogger("paperwire.search")
MAX_EF_SEARCH = 1000  # pgvector's upper bound
RECHECK_SECONDS = 30.0  # how long a process trusts what it learnt of the schema


@dataclass(frozen=True)
class PgVectorIndex:
    """Vectors of one model in PostgreSQL; same contract as VectorIndex.search."""
    db: Database
    model: str
    iterative_scan: bool
    dated: bool = False  # paper_embeddings.published_at exists: dates need no join

    def has_vectors(self) -> bool:
        with self.db.read() as connection:
            return bool(connection.execute(text(
                "SELECT EXISTS (SELECT 1 FROM paper_embeddings WHERE model = :m "
                "AND embedding IS NOT NULL)"), {"m": self.model}).scalar_one())

    def search(self, query: np.ndarray, k: int, filters: Filters | None = None
               ) -> list[tuple[str, float]]:
        """The k nearest papers (inner product = cosine on unit vectors) that pass the
        filters, best first."""
        if k <= 0:
            return []
        filters = filters or Filters()
        # Dates alone are checked on the embedding row the scan reads anyway; other
        # filters need the paper (one join per candidate).
        alias = "e" if self.dated and not filters.needs_sql else "p"
        where, params = filters.sql(alias, "postgresql")
        join = " JOIN papers p ON p.id = e.paper_id" if where and alias == "p" else ""
        conditions = " AND ".join(["e.model = :model", "e.embedding IS NOT NULL", *where])
        params.update(model=self.model, q=vector_literal(query), k=k)
        distance = "e.embedding <#> CAST(:q AS vector)"  # the negative inner product

        def select(order: str) -> str:
            # The outer sort: a relaxed-order scan may return near neighbours out of order.
            return (f"SELECT paper_id, score FROM (SELECT e.paper_id, -({distance}) AS score "
                    f"FROM paper_embeddings e{join} WHERE {conditions} ORDER BY {order} "
                    "LIMIT :k) AS found ORDER BY score DESC, paper_id")

        with self.db.read() as connection:
            widths = [min(MAX_EF_SEARCH, max(100, 2 * k))]
            if self.iterative_scan:
                connection.execute(text("SELECT set_config('hnsw.iterative_scan', "
                                        "'relaxed_order', true)"))
            elif widths[0] < MAX_EF_SEARCH:
                widths.append(MAX_EF_SEARCH)
            for width in widths:
                connection.execute(text("SELECT set_config('hnsw.ef_search', :w, true)"),
                                   {"w": str(width)})
                rows = connection.execute(text(select(distance)), params).all()
                if len(rows) >= k:
                    break
            else:  # fewer than k: maybe fewer match, maybe the graph walk missed them
                rows = connection.execute(text(select(f"({distance}) + 0")), params).all()
        return [(row.paper_id, float(row.score)) for row in rows]


def vector_literal(vector: np.ndarray) -> str:
    """pgvector's text form; float32 values print and parse back exactly."""
    return "[" + ",".join(map(str, np.asarray(vector, dtype=np.float32).tolist())) + "]"


class _States:
    """What each database's schema says about pgvector, re-read every RECHECK_SECONDS."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[float, storage.PgVectorState, str]] = {}
        self._lock = threading.Lock()

    def get(self, db: Database, wanted: str) -> storage.PgVectorState:
        with self._lock:
            known = self._known.get(db.url)
        if known and known[2] == wanted and time.monotonic() - known[0] < RECHECK_SECONDS:
            return known[1]
        with db.read() as connection:
            current = storage.state(connection)
        if wanted == "pgvector" and current.available and not current.ready:
            current = storage.ensure_pgvector(db)  # asked for by name: build it now
        if known is None or known[1] != current or known[2] != wanted:
            _log_choice(db, wanted, current)
        with self._lock:
            self._known[db.url] = (time.monotonic(), current, wanted)
        return current

    def clear(self) -> None:
        with self._lock:
            self._known.clear()


STATES = _States()


def _log_choice(db: Database, wanted: str, current: storage.PgVectorState) -> None:
    if current.ready:
        log.info("semantic search: pgvector %s HNSW inside PostgreSQL%s", current.version,
                 " (iterative scan)" if current.iterative_scan else "")
    elif wanted == "pgvector":
        log.warning("semantic search: pgvector was asked for but %s: using the in-process "
                    "index", current.reason)
    else:
        log.info("semantic search: the in-process index (%s)", current.reason)


def pgvector_for(db: Database, config: Config, model: str) -> PgVectorIndex | None:
    """The pgvector index when the setting and the database allow it, else None (the
    in-process index answers)."""
    wanted = config.search_vector_backend
    if wanted == "in-process" or db.is_sqlite:
        return None
    current = STATES.get(db, wanted)
    if not current.ready:
        return None
    return PgVectorIndex(db, model, current.iterative_scan, current.dated)


def describe(db: Database, config: Config) -> str:
    """Which backend answers semantic search here, in words (for `paperwire db current`)."""
    wanted = config.search_vector_backend
    if wanted == "in-process":
        return "the in-process index (search_vector_backend = in-process)"
    with db.read() as connection:
        current = storage.state(connection)
    if current.ready:
        return f"pgvector {current.version} HNSW inside PostgreSQL"
    return f"the in-process index ({current.reason})"
