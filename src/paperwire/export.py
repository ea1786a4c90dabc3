"""Export the store as Paperwire JSON Lines, streaming in id order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from sqlalchemy import text

from .formats.paperwire_jsonl import record_to_json
from .store import Database
from .store.papers import load_papers

EXPORT_BATCH = 1000


def iter_export_lines(db: Database) -> Iterator[bytes]:
    last = ""
    while True:
        with db.read() as connection:
            keys = list(connection.execute(
                text("SELECT id FROM papers WHERE id > :last ORDER BY id LIMIT :n"),
                {"last": last, "n": EXPORT_BATCH}).scalars())
            if not keys:
                return
            papers = load_papers(connection, keys)
        for key in keys:
            yield record_to_json(key, papers[key].record) + b"\n"
        last = keys[-1]


def export_jsonl(db: Database, out: BinaryIO) -> int:
    count = 0
    for line in iter_export_lines(db):
        out.write(line)
        count += 1
    return count
