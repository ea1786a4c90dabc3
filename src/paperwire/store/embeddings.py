"""Stored embeddings: one float32 vector per (model key, paper). Reads always name the model,
so vectors of two models are never compared."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection


@dataclass
class PendingPaper:
    id: str
    title: str
    abstract: str
    changed_at: str
    text_hash: str | None  # of the text embedded before, if any


def to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(bytes(blob), dtype="<f4")


def pending_papers(connection: Connection, model: str, limit: int,
                   after: str = "") -> list[PendingPaper]:
    """Papers with no vector for this model, or changed since it was made; by id, after
    `after`, so a run moves forward even past papers it only re-checked."""
    rows = connection.execute(text(
        "SELECT p.id, p.title, p.abstract, p.changed_at, e.text_hash FROM papers p "
        "LEFT JOIN paper_embeddings e ON e.paper_id = p.id AND e.model = :model "
        "WHERE p.id > :after AND (e.paper_id IS NULL OR e.paper_changed_at <> p.changed_at) "
        "ORDER BY p.id LIMIT :limit"), {"model": model, "after": after, "limit": limit}).all()
    return [PendingPaper(r.id, r.title, r.abstract or "", r.changed_at, r.text_hash)
            for r in rows]


def count_pending(connection: Connection, model: str) -> int:
    return connection.execute(text(
        "SELECT COUNT(*) FROM papers p LEFT JOIN paper_embeddings e "
        "ON e.paper_id = p.id AND e.model = :model "
        "WHERE e.paper_id IS NULL OR e.paper_changed_at <> p.changed_at"),
        {"model": model}).scalar_one()


def count_embedded(connection: Connection, model: str) -> int:
    return connection.execute(text("SELECT COUNT(*) FROM paper_embeddings WHERE model = :m"),
                              {"m": model}).scalar_one()


def save_vectors(connection: Connection, model: str, rows: Sequence[tuple[str, np.ndarray, str,
                                                                           str]], now: str) -> None:
    """Upsert (paper_id, vector, text_hash, paper_changed_at) rows; idempotent, so two
    embedders racing on the same papers do no harm."""
    if not rows:
        return
    connection.execute(text(
        "INSERT INTO paper_embeddings (model, paper_id, vector, text_hash, paper_changed_at, "
        "embedded_at) VALUES (:model, :id, :vector, :hash, :changed, :now) "
        "ON CONFLICT (model, paper_id) DO UPDATE SET vector = excluded.vector, "
        "text_hash = excluded.text_hash, paper_changed_at = excluded.paper_changed_at, "
        "embedded_at = excluded.embedded_at"),
        [{"model": model, "id": paper_id, "vector": to_blob(vector), "hash": text_hash,
          "changed": changed, "now": now} for paper_id, vector, text_hash, changed in rows])


def mark_unchanged(connection: Connection, model: str, rows: Sequence[tuple[str, str]],
                   now: str) -> None:
    """The text did not change: the vector stands; the watermarks move (embedded_at too,
    so that indexes pick up a changed publication date)."""
    if rows:
        connection.execute(text(
            "UPDATE paper_embeddings SET paper_changed_at = :changed, embedded_at = :now "
            "WHERE model = :model AND paper_id = :id"),
            [{"model": model, "id": paper_id, "changed": changed, "now": now}
             for paper_id, changed in rows])


def delete_other_models(connection: Connection, model: str) -> int:
    removed = connection.execute(text("DELETE FROM paper_embeddings WHERE model <> :m"),
                                 {"m": model}).rowcount
    # Nobody follows those models' removals any more.
    connection.execute(text("DELETE FROM embedding_removals WHERE model <> :m"), {"m": model})
    return removed


def iter_vectors(connection: Connection, model: str, since: str | None = None,
                 chunk: int = 20000) -> Iterator[list[tuple[str, bytes, str | None, str]]]:
    """(paper_id, vector blob, published_at, embedded_at) in chunks, optionally only those
    embedded at or after `since`."""
    sql = ("SELECT e.paper_id, e.vector, p.published_at, e.embedded_at FROM paper_embeddings e "
           "JOIN papers p ON p.id = e.paper_id WHERE e.model = :model")
    params: dict[str, object] = {"model": model}
    if since:
        sql += " AND e.embedded_at >= :since"
        params["since"] = since
    result = connection.execution_options(stream_results=True).execute(text(sql), params)
    while True:
        rows = result.fetchmany(chunk)
        if not rows:
            break
        yield [tuple(r) for r in rows]


def vectors_for(connection: Connection, model: str, paper_ids: Sequence[str]) -> dict[str, np.ndarray]:
    statement = text("SELECT paper_id, vector FROM paper_embeddings WHERE model = :model "
                     "AND paper_id IN :ids").bindparams(bindparam("ids", expanding=True))
    found: dict[str, np.ndarray] = {}
    ids = list(dict.fromkeys(paper_ids))
    for start in range(0, len(ids), 1000):
        for row in connection.execute(statement, {"model": model, "ids": ids[start:start + 1000]}):
            found[row.paper_id] = from_blob(row.vector)
    return found


def watermark(connection: Connection, model: str) -> tuple[int, str | None]:
    """(the latest removal's number, the latest embedded_at): change detection for caches,
    two index lookups (counting the vectors took 120 ms at 1M papers)."""
    removed = connection.execute(text("SELECT COALESCE(MAX(id), 0) FROM embedding_removals "
                                      "WHERE model = :m"), {"m": model}).scalar_one()
    latest = connection.execute(text("SELECT MAX(embedded_at) FROM paper_embeddings "
                                     "WHERE model = :m"), {"m": model}).scalar()
    return int(removed), latest
