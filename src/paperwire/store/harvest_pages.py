"""The pages of a harvest run: one row per page, with what that page added to the run's
counts and how long it took (migration 0014_harvest_pages)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

PAGE_COUNTS = ("fetched", "new", "updated", "unchanged", "rejected", "retries")


def record_page(connection: Connection, run_id: int, number: int, finished_at: str,
                seconds: float, counts: Mapping[str, int]) -> None:
    columns = ", ".join(PAGE_COUNTS)
    values = ", ".join(f":{c}" for c in PAGE_COUNTS)
    connection.execute(text(
        f"INSERT INTO harvest_pages (run_id, number, finished_at, seconds, {columns}) "
        f"VALUES (:run_id, :number, :finished_at, :seconds, {values})"),
        {"run_id": run_id, "number": number, "finished_at": finished_at,
         "seconds": round(seconds, 3), **{c: counts.get(c, 0) for c in PAGE_COUNTS}})


def pages_of(connection: Connection, run_id: int) -> list[dict[str, Any]]:
    rows = connection.execute(text(
        "SELECT * FROM harvest_pages WHERE run_id = :run_id ORDER BY number"),
        {"run_id": run_id}).mappings().all()
    return [dict(r) for r in rows]
