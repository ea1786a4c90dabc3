"""Bulk import benchmark: synthetic Kaggle-dump records into SQLite and PostgreSQL.

    .venv/bin/python bench/import_bulk.py [--records 1000000] [--pg URL] [--json]

Runs, side by side on the same generated file:
  1. the shipped importer into a fresh SQLite file (parsing in worker processes);
  2. the same importer with one process (the baseline: the ratio 1/2 is the speed-up);
  3. the shipped importer into a fresh PostgreSQL database (skipped without --pg);
  4. a re-import of the same file into the SQLite database from run 1 (all unchanged).
Peak RSS is sampled every 50 ms over the importing process and its workers.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import threading
import time
from pathlib import Path

import orjson
import psutil
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import write_kaggle_file  # noqa: E402

from paperwire.ingest import Importer  # noqa: E402
from paperwire.store import Database  # noqa: E402

FULL_DUMP_RECORDS = 2_700_000


class PeakRSS:
    """Samples the resident memory of this process and its children."""

    def __init__(self) -> None:
        self.peak_total = 0
        self.peak_main = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.05):
            try:
                main = me.memory_info().rss
                total = main + sum(c.memory_info().rss for c in me.children(recursive=True))
            except psutil.Error:
                continue
            self.peak_main = max(self.peak_main, main)
            self.peak_total = max(self.peak_total, total)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def timed_import(url: str, path: Path, workers: int | None) -> dict:
    db = Database(url)
    db.upgrade()
    with PeakRSS() as rss:
        start = time.perf_counter()
        summary = Importer(db, workers=workers).import_paths([str(path)])
        seconds = time.perf_counter() - start
    db.dispose()
    counts = summary.counts.as_dict()
    return {"seconds": round(seconds, 2), "records_per_s": round(counts["read"] / seconds),
            "peak_rss_mb_main": round(rss.peak_main / 2**20), "peak_rss_mb_total":
            round(rss.peak_total / 2**20), **counts}


def fresh_pg_database(admin_url: str) -> tuple[str, callable]:
    admin = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    name = f"paperwire_bench_{os.getpid()}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return url, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--pg", default=os.environ.get("PAPERWIRE_TEST_PG_URL"),
                        help="PostgreSQL admin URL (default: $PAPERWIRE_TEST_PG_URL)")
    parser.add_argument("--skip-serial", action="store_true", help="skip the one-process baseline")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="paperwire-bench-") as tmp:
        folder = Path(tmp)
        dump = folder / "dump.jsonl"
        start = time.perf_counter()
        write_kaggle_file(str(dump), args.records)
        results: dict = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                       f"{round(psutil.virtual_memory().total / 2**30)} GiB, Python "
                       f"{platform.python_version()}",
            "records": args.records,
            "file_mb": round(dump.stat().st_size / 2**20),
            "generate_seconds": round(time.perf_counter() - start, 1),
        }
        sqlite_url = f"sqlite:///{folder / 'parallel.db'}"
        results["sqlite_parallel"] = timed_import(sqlite_url, dump, None)
        results["sqlite_db_mb"] = round(sum(p.stat().st_size for p in folder.glob("parallel.db*"))
                                        / 2**20)
        results["sqlite_reimport"] = timed_import(sqlite_url, dump, None)
        if not args.skip_serial:
            results["sqlite_serial"] = timed_import(f"sqlite:///{folder / 'serial.db'}", dump, 1)
            results["speedup_vs_serial"] = round(
                results["sqlite_serial"]["seconds"] / results["sqlite_parallel"]["seconds"], 2)
        if args.pg:
            pg_url, drop = fresh_pg_database(args.pg)
            try:
                results["postgresql"] = timed_import(pg_url, dump, None)
            finally:
                drop()
        rate = results["sqlite_parallel"]["records_per_s"]
        results["projected_full_dump_minutes_sqlite"] = round(FULL_DUMP_RECORDS / rate / 60, 1)
        if "postgresql" in results:
            results["projected_full_dump_minutes_postgresql"] = round(
                FULL_DUMP_RECORDS / results["postgresql"]["records_per_s"] / 60, 1)

    if args.json:
        print(orjson.dumps(results, option=orjson.OPT_INDENT_2).decode())
        return
    print(f"machine: {results['machine']}; {args.records:,} records, {results['file_mb']} MB")
    print("| run | seconds | records/s | peak RSS main / total (MB) |")
    print("|---|---|---|---|")
    for name in ("sqlite_parallel", "sqlite_serial", "sqlite_reimport", "postgresql"):
        if name in results:
            r = results[name]
            print(f"| {name} | {r['seconds']} | {r['records_per_s']:,} | "
                  f"{r['peak_rss_mb_main']} / {r['peak_rss_mb_total']} |")
    for key in ("speedup_vs_serial", "sqlite_db_mb", "projected_full_dump_minutes_sqlite",
                "projected_full_dump_minutes_postgresql"):
        if key in results:
            print(f"{key}: {results[key]}")


if __name__ == "__main__":
    main()
