"""The log of digest delivery runs: what each one found due and what became of it."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from .subscribers import now_text

COUNTS = ("due", "sent", "skipped", "failed", "bounced", "busy")


def start(connection: Connection, *, dry_run: bool) -> int:
    return connection.execute(text(
        "INSERT INTO digest_runs (started_at, status, dry_run) VALUES (:now, 'running', :dry) "
        "RETURNING id"), {"now": now_text(), "dry": dry_run}).scalar_one()


def finish(connection: Connection, run_id: int, counts: dict[str, int], *,
           error: str | None = None) -> None:
    connection.execute(text(
        "UPDATE digest_runs SET finished_at = :now, status = :status, error = :error, "
        + ", ".join(f"{name} = :{name}" for name in COUNTS) + " WHERE id = :id"),
        {"now": now_text(), "status": "failed" if error else "ok", "error": error, "id": run_id,
         **{name: int(counts.get(name, 0)) for name in COUNTS}})


def latest(connection: Connection, limit: int = 20) -> list[dict]:
    rows = connection.execute(text(
        "SELECT id, started_at, finished_at, status, dry_run, " + ", ".join(COUNTS)
        + ", error FROM digest_runs ORDER BY id DESC LIMIT :limit"), {"limit": limit})
    return [dict(row) | {"dry_run": bool(row["dry_run"])} for row in rows.mappings()]
