"""The log of harvest runs: one row per (source, key) run, with its counts and outcome."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.engine import Connection

COUNT_COLUMNS = ("fetched", "new", "updated", "unchanged", "rejected", "pages", "retries")


def start_run(connection: Connection, source: str, key: str, params: Mapping[str, Any],
              watermark: str | None, now: str) -> int:
    return connection.execute(text(
        "INSERT INTO harvest_runs (source, key, started_at, status, params, watermark_before) "
        "VALUES (:source, :key, :now, 'running', :params, :watermark) RETURNING id"),
        {"source": source, "key": key, "now": now, "watermark": watermark,
         "params": orjson.dumps(dict(params), default=str).decode()}).scalar_one()


def finish_run(connection: Connection, run_id: int, status: str, counts: Mapping[str, int],
               watermark: str | None, error: str | None, now: str) -> None:
    assignments = ", ".join(f"{c} = :{c}" for c in COUNT_COLUMNS)
    connection.execute(text(
        f"UPDATE harvest_runs SET finished_at = :now, status = :status, {assignments}, "
        "watermark_after = :watermark, error = :error WHERE id = :id"),
        {"now": now, "status": status, "watermark": watermark, "error": error, "id": run_id,
         **{c: counts.get(c, 0) for c in COUNT_COLUMNS}})


def close_abandoned_runs(connection: Connection, source: str, now: str) -> int:
    """Runs still marked running when their source's lock is free died mid-run (killed,
    power cut): mark them interrupted. Call only while holding the source lock."""
    return connection.execute(text(
        "UPDATE harvest_runs SET status = 'interrupted', finished_at = :now, "
        "error = 'the process stopped during the run' "
        "WHERE source = :source AND status = 'running'"),
        {"source": source, "now": now}).rowcount


def latest_runs(connection: Connection) -> dict[tuple[str, str], dict[str, Any]]:
    """The most recent run of every (source, key)."""
    rows = connection.execute(text(
        "SELECT r.* FROM harvest_runs r JOIN (SELECT source, key, MAX(id) AS id "
        "FROM harvest_runs GROUP BY source, key) last ON last.id = r.id "
        "ORDER BY r.source, r.key")).mappings().all()
    return {(r["source"], r["key"]): dict(r) for r in rows}


def last_started(connection: Connection, source: str) -> str | None:
    """When the latest run of `source` (any key) started, for the scheduler's catch-up."""
    return connection.execute(text(
        "SELECT MAX(started_at) FROM harvest_runs WHERE source = :source"),
        {"source": source}).scalar()


def runs_of(connection: Connection, source: str, limit: int = 20) -> list[dict[str, Any]]:
    return recent_runs(connection, source, limit)


def recent_runs(connection: Connection, source: str | None = None,
                limit: int = 20) -> list[dict[str, Any]]:
    """The latest runs, newest first: of one source, or of all."""
    where = "WHERE source = :source " if source is not None else ""
    rows = connection.execute(text(
        f"SELECT * FROM harvest_runs {where}ORDER BY id DESC LIMIT :limit"),
        {"source": source, "limit": limit}).mappings().all()
    return [dict(r) for r in rows]


def get_run(connection: Connection, run_id: int) -> dict[str, Any] | None:
    row = connection.execute(text("SELECT * FROM harvest_runs WHERE id = :id"),
                             {"id": run_id}).mappings().first()
    return dict(row) if row else None
