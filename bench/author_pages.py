"""Author pages: what paper_authors costs the import, how fast migration 0012 fills it, and
how long an author's page of papers takes to read.

    .venv/bin/python bench/author_pages.py [--records 100000] [--pg URL]

Imports the same synthetic Kaggle file (bench/synthetic.py) into fresh SQLite files, one
process, alternately without and with the author rows (twice each: the machine is noisy);
then drops the table and times the migration's backfill; then reads pages of the most
prolific author (the synthetic names are few, so each has thousands of papers). With --pg,
the import and backfill once more into a fresh PostgreSQL database.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import write_kaggle_file  # noqa: E402

from paperwire import lists  # noqa: E402
from paperwire.ingest import Importer  # noqa: E402
from paperwire.store import Database, migrate, paper_authors  # noqa: E402

WITH_ROWS = paper_authors.author_rows


def timed_import(db: Database, source: Path, with_rows: bool) -> float:
    paper_authors.author_rows = WITH_ROWS if with_rows else (lambda key, names, published: [])
    try:
        db.upgrade()
        start = time.perf_counter()
        Importer(db, workers=1).import_paths([str(source)])
        return time.perf_counter() - start
    finally:
        paper_authors.author_rows = WITH_ROWS


def timed_backfill(db: Database) -> float:
    config = migrate.alembic_config()
    with db.write() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0011_pgvector")
    start = time.perf_counter()
    migrate.upgrade(db)
    return time.perf_counter() - start


def page_ms(db: Database, key: str, offset: int, repeats: int = 20) -> float:
    lists.by_author(db, key, limit=50, offset=offset)
    start = time.perf_counter()
    for _ in range(repeats):
        lists.by_author(db, key, limit=50, offset=offset)
    return (time.perf_counter() - start) / repeats * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--pg", help="PostgreSQL server URL (a database is made and dropped)")
    args = parser.parse_args()
    n = args.records
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "kaggle.jsonl"
        write_kaggle_file(str(source), n)
        for run in range(2):
            for with_rows in (False, True):
                db = Database(f"sqlite:///{folder}/{run}-{with_rows}.db")
                took = timed_import(db, source, with_rows)
                label = "with author rows" if with_rows else "without"
                print(f"SQLite import {label:>16} (run {run + 1}): {took:6.1f} s "
                      f"{n / took:8,.0f} records/s", flush=True)
        took = timed_backfill(db)
        print(f"SQLite backfill (migration 0012): {took:.1f} s, {n / took:,.0f} papers/s")
        with db.read() as connection:
            key, count = connection.execute(text(
                "SELECT author_key, COUNT(*) FROM paper_authors GROUP BY author_key "
                "ORDER BY 2 DESC LIMIT 1")).one()
        for offset in (0, 1000):
            print(f"SQLite page of {key!r} ({count:,} papers) at offset {offset}: "
                  f"{page_ms(db, key, offset):.1f} ms")
        if args.pg:
            bench_postgresql(args.pg, source, n)


def bench_postgresql(server: str, source: Path, n: int) -> None:
    admin = create_engine(server.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    name = f"paperwire_authors_{secrets.token_hex(3)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(make_url(server).set(drivername="postgresql+psycopg", database=name)
                  .render_as_string(hide_password=False))
    try:
        took = timed_import(db, source, True)
        print(f"PostgreSQL import with author rows: {took:.1f} s, {n / took:,.0f} records/s")
        took = timed_backfill(db)
        print(f"PostgreSQL backfill (migration 0012): {took:.1f} s, {n / took:,.0f} papers/s")
    finally:
        db.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
