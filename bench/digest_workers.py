"""Digest delivery by `paperwire worker` processes: does it scale with 1, 2 and 4 workers?

    .venv/bin/python bench/digest_workers.py [--subscribers 5000] [--workers 1,2,4]
                                             [--pg URL] [--json]

A fresh PostgreSQL database gets the real Hugging Face daily papers and N subscribers with
varied preferences (those of bench/digest_throughput.py; interests matched by words here,
no embeddings). For each worker count, the digests are forgotten and that many workers are
started with digests scheduled every second; the figure is the wall time from starting the
workers until every subscriber due now has a sent (or, when nothing matched, skipped) digest
in the database, so it includes the workers' start-up. Mail goes to an aiosmtpd sink in its
own process. The comparison is the one-worker run, in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from digest_throughput import Sink, add_subscribers, load_papers  # noqa: E402
from import_bulk import fresh_pg_database  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
FINISHED = "('sent', 'skipped', 'failed', 'bounced')"


def finished(db) -> int:  # noqa: ANN001
    with db.read() as connection:
        return connection.execute(text(
            f"SELECT COUNT(*) FROM digests WHERE status IN {FINISHED}")).scalar_one()


def forget(db) -> None:  # noqa: ANN001
    with db.write() as connection:
        for table in ("sent_papers", "digests", "digest_runs", "procrastinate_events",
                      "procrastinate_periodic_defers", "procrastinate_jobs"):
            connection.execute(text(f"DELETE FROM {table}"))


def run_workers(count: int, env: dict[str, str], db, due: int) -> dict:  # noqa: ANN001
    forget(db)
    started = time.perf_counter()
    workers = [subprocess.Popen([sys.executable, "-m", "paperwire", "worker", "--name",
                                 f"bench{i}"], env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL) for i in range(count)]
    try:
        deadline = time.time() + 900
        while finished(db) < due and time.time() < deadline:
            time.sleep(0.1)
        seconds = time.perf_counter() - started
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=120)
    done = finished(db)
    with db.read() as connection:
        sent = connection.execute(text("SELECT COUNT(*) FROM digests WHERE status = 'sent'")
                                  ).scalar_one()
    return {"workers": count, "seconds": round(seconds, 1), "finished": done, "sent": sent,
            "digests_per_s": round(done / seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--pg", default=os.environ.get(
        "PAPERWIRE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from paperwire.digest.run import due_subscribers
    from paperwire.store import Database

    url, drop = fresh_pg_database(args.pg)
    db = Database(url)
    sink = Sink()
    try:
        db.upgrade()
        papers = load_papers(db)
        add_subscribers(db, args.subscribers)
        due = len(due_subscribers(db, now=datetime.now(timezone.utc)))
        home = tempfile.mkdtemp(prefix="paperwire-workers-")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWIRE_")}
        env.update(PAPERWIRE_DATABASE_URL=url, PAPERWIRE_DATA_DIR=home, HOME=home,
                   PAPERWIRE_SMTP_URL=f"smtp://127.0.0.1:{sink.port}",
                   PAPERWIRE_SCHEDULE_DIGESTS="* * * * * *",
                   PAPERWIRE_SCHEDULE_MAINTENANCE="0 0 1 1 *", PAPERWIRE_HARVEST_SOURCES="",
                   PAPERWIRE_DIGEST_SHARD_SIZE="100", PAPERWIRE_SECRET_KEY="bench",
                   PAPERWIRE_MAIL_FROM="Paperwire <digest@bench.example.org>",
                   PAPERWIRE_BASE_URL="https://papers.example.org")
        subprocess.run([sys.executable, "-m", "paperwire", "worker", "jobs"], env=env,
                       cwd=REPO, check=True, stdout=subprocess.DEVNULL)
        rows = []
        for count in [int(c) for c in args.workers.split(",")]:
            row = run_workers(count, env, db, due)
            rows.append(row)
            print(f"{count} worker(s): {row['finished']:,} digests in {row['seconds']} s "
                  f"({row['digests_per_s']}/s)", file=sys.stderr)
        for row in rows:
            row["ratio_to_one_worker"] = round(row["digests_per_s"] / rows[0]["digests_per_s"], 2)
        report = {"papers": papers, "subscribers": args.subscribers, "due": due,
                  "machine": f"{os.cpu_count()} cores, {platform.machine()}", "runs": rows}
    finally:
        sink.stop()
        db.dispose()
        drop()
    print(json.dumps(report, indent=2 if args.json else None))


if __name__ == "__main__":
    main()
