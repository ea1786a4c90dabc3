"""Digest benchmark: compose and deliver one period's digests for 10,000 subscribers over
~10k real papers, to a local SMTP server, and a raw smtplib baseline beside it.

    .venv/bin/python bench/digest_throughput.py [--subscribers 10000] [--pg URL] [--json]

1. Imports the Hugging Face daily-papers data (9,881 records: 9,877 papers on 580 days)
   into a fresh SQLite file (or PostgreSQL database with --pg). Those records carry no
   arXiv categories, so each paper gets one or two from a fixed list (by a hash of its id),
   to make the subscribers' category filters bite.
2. Adds N confirmed subscribers with varied preferences (seeded): daily / weekdays /
   weekly, 0-2 categories, 0-3 interests and 0-2 keywords from a list of real topics,
   5-20 papers, many time zones.
   The candidate papers of the period's windows (the 3 days and the week around it, up to
   digest_pool_size each) get their embeddings (all-MiniLM-L6-v2, as `paperwire embed`
   would), so interests are matched by meaning as in production (--no-embed: words only).
3. Starts an SMTP sink (aiosmtpd in its own process on 127.0.0.1, counting messages).
4. Baseline: the same number of messages of the same size sent with bare smtplib over
   the same number of connections (no database, no composing): the ceiling for this
   machine and server.
5. `run_digests` for one period (--period DATE) in one process, timed: compose (read,
   match, claim) and deliver (render, send, record) separately; peak memory.
6. A second run of the same period, which must send nothing.
7. The digests forgotten, the same period again with --workers processes (default 2).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import resource
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
HF_DATA = REPO.parent / "shared" / "data" / "hf-daily-papers" / \
    "hf_daily_papers_2024-05-27_2026-08-21.jsonl.gz"
DEMO = REPO / "src" / "paperwire" / "demo" / "hf_daily_papers_demo.jsonl.gz"
# The embedding model is made once (an ONNX export) and kept here between runs.
MODEL_HOME = Path(tempfile.gettempdir()) / "paperwire-digest-bench-home"
PERIOD = date(2025, 6, 11)  # a Wednesday: daily, weekday and weekly subscribers are all due
TARGET_SECONDS, TARGET_RATE = 60.0, 170.0
CATEGORIES = ["cs.LG", "cs.CL", "cs.CV", "cs.AI", "cs.RO", "cs.IR", "stat.ML", "cs.SD"]
TOPICS = ["video generation", "reinforcement learning", "large language models",
          "vector databases", "LLM serving systems", "diffusion models", "speech recognition",
          "robot manipulation", "mixture of experts", "long context", "code generation",
          "multimodal reasoning", "retrieval augmented generation", "quantization",
          "world models", "3D reconstruction", "agents tool use", "math reasoning",
          "image editing", "benchmark evaluation", "alignment safety", "tokenizer"]
MODIFIERS = ["efficient", "scalable", "open-source", "benchmarks for", "theory of", "surveys of",
             "low-resource", "safety of", "evaluation of", "faster", "multilingual"]
KEYWORDS = ["transformer", "benchmark", "agent", "diffusion", "dataset", "survey", "RLHF",
            "attention", "LoRA", "distillation"]
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Asia/Kolkata",
         "America/Los_Angeles", "Australia/Sydney", "Europe/London"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the SMTP sink: its own process, counts what it accepted ---------------------------

def sink_main(port: int) -> None:
    from aiosmtpd.controller import Controller

    class Counter:
        count = 0
        size = 0

        async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
            Counter.count += 1
            Counter.size += len(envelope.original_content or envelope.content)
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    while not stop.wait(0.2):
        pass
    controller.stop()
    print(orjson.dumps({"count": Counter.count, "bytes": Counter.size}).decode(), flush=True)


class Sink:
    def __init__(self) -> None:
        self.port = free_port()
        self.process = subprocess.Popen([sys.executable, __file__, "--sink", str(self.port)],
                                        stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "ready"

    def stop(self) -> dict:
        self.process.send_signal(signal.SIGTERM)
        out, _ = self.process.communicate(timeout=30)
        return orjson.loads(out.strip().splitlines()[-1])


# --- data --------------------------------------------------------------------------------

def load_papers(db) -> int:  # noqa: ANN001
    from sqlalchemy import text

    from paperwire.ingest import Importer
    from paperwire.store.papers import count_papers

    source = HF_DATA if HF_DATA.exists() else DEMO
    Importer(db).import_paths([str(source)], None)
    with db.write() as connection:
        ids = connection.execute(text("SELECT id FROM papers")).scalars().all()
        rows, links = [], []
        for paper_id in ids:
            digest = hashlib.sha256(paper_id.encode()).digest()
            chosen = list(dict.fromkeys([CATEGORIES[digest[0] % len(CATEGORIES)],
                                         CATEGORIES[digest[1] % len(CATEGORIES)]]))
            rows.append({"id": paper_id, "c": " ".join(chosen)})
            links += [{"c": c, "id": paper_id, "p": i == 0} for i, c in enumerate(chosen)]
        connection.execute(text("UPDATE papers SET categories = :c WHERE id = :id"), rows)
        connection.execute(text("DELETE FROM paper_categories"))
        connection.execute(text("INSERT INTO paper_categories (category, paper_id, is_primary) "
                                "VALUES (:c, :id, :p)"), links)
        return count_papers(connection)


def add_subscribers(db, count: int, seed: int = 6) -> None:  # noqa: ANN001
    from paperwire.digest.preferences import Preferences
    from paperwire.store import subscribers

    rng = random.Random(seed)
    with db.write() as connection:
        for i in range(count):
            frequency = rng.choices(["daily", "weekdays", "weekly"], [6, 2, 2])[0]
            preferences = Preferences(
                frequency=frequency, weekday=rng.randrange(0, 3), hour=rng.randrange(24),
                timezone=rng.choice(ZONES), categories=rng.sample(CATEGORIES, rng.randrange(3)),
                keywords=rng.sample(KEYWORDS, rng.choice([0, 0, 1, 2])),
                interests=[topic if rng.random() < 0.5 else f"{rng.choice(MODIFIERS)} {topic}"
                           for topic in rng.sample(TOPICS, rng.randrange(4))],
                count=rng.randrange(5, 21))
            subscribers.insert(connection, f"reader{i:05d}@bench.example.org",
                               preferences.to_json(), status="active", confirmed=True)


def embed_pool(db, folder: Path, period: date) -> int:  # noqa: ANN001
    """Vectors for the papers the run will choose from, as `paperwire embed` stores them."""
    from datetime import datetime, timezone

    from paperwire.config import load_config
    from paperwire.digest.compose import Composer
    from paperwire.embed.model import paper_text
    from paperwire.embed.runner import text_hash
    from paperwire.search.semantic import embedder_for
    from paperwire.store import embeddings

    config = load_config(environ={"PAPERWIRE_DATA_DIR": str(folder)}, toml_file=None)
    composer = Composer(db, now=datetime.now(timezone.utc))
    year, week, _ = period.isocalendar()
    cards = {c.id: c for key in (period.isoformat(), f"{year:04d}-W{week:02d}")
             for c in composer.pool(key).cards}
    embedder = embedder_for(config)
    papers = list(cards.values())
    texts = [paper_text(c.title, c.abstract) for c in papers]
    vectors = embedder.encode(texts)
    with db.write() as connection:
        embeddings.save_vectors(connection, embedder.key, [
            (c.id, vector, text_hash(t), c.changed_at)
            for c, vector, t in zip(papers, vectors, texts)],
            datetime.now(timezone.utc).isoformat())
    return len(papers)


def _embed_child(url: str, period: date) -> int:
    from paperwire.store import Database

    db = Database(url)
    try:
        return embed_pool(db, MODEL_HOME, period)
    finally:
        db.dispose()


def embed_in_child(url: str, period: date) -> int:
    """In its own process, as `paperwire embed` runs in production: the model's working
    memory for long paper texts stays out of the measured run."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_embed_child, (url, period))


# --- the baseline: bare smtplib -----------------------------------------------------------

def raw_smtp(port: int, count: int, size: int, connections: int) -> float:
    """Seconds to send `count` messages of `size` bytes over `connections` connections."""
    body = ("x" * 76 + "\r\n") * max(1, size // 78)
    per_thread = [count // connections + (1 if i < count % connections else 0)
                  for i in range(connections)]

    def work(n: int, offset: int) -> None:
        with smtplib.SMTP("127.0.0.1", port) as client:
            for i in range(n):
                message = (f"From: bench@example.org\r\nTo: r{offset + i}@example.org\r\n"
                           f"Subject: baseline {offset + i}\r\nMessage-ID: <b{offset + i}@x>\r\n"
                           f"\r\n{body}")
                client.sendmail("bench@example.org", [f"r{offset + i}@example.org"], message)

    threads, offset = [], 0
    started = time.perf_counter()
    for n in per_thread:
        threads.append(threading.Thread(target=work, args=(n, offset)))
        offset += n
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--period", type=date.fromisoformat, default=PERIOD)
    parser.add_argument("--pg", default=None, help="PostgreSQL admin URL (default: SQLite)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-embed", dest="embed", action="store_false",
                        help="Leave the papers without embeddings (interests by words only).")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from paperwire.config import load_config
    from paperwire.digest.run import run_digests
    from paperwire.store import Database

    folder = Path(tempfile.mkdtemp(prefix="paperwire-digest-bench-"))
    drop = None
    if args.pg:
        from import_bulk import fresh_pg_database
        url, drop = fresh_pg_database(args.pg)
    else:
        url = f"sqlite:///{folder / 'paperwire.db'}"
    db = Database(url)
    db.upgrade()
    started = time.perf_counter()
    papers = load_papers(db)
    add_subscribers(db, args.subscribers)
    setup_seconds = time.perf_counter() - started
    started = time.perf_counter()
    embedded = embed_in_child(url, args.period) if args.embed else 0
    embed_seconds = time.perf_counter() - started
    sink = Sink()
    config = load_config(environ={
        "PAPERWIRE_DATA_DIR": str(MODEL_HOME),
        "PAPERWIRE_SMTP_URL": f"smtp://127.0.0.1:{sink.port}",
        "PAPERWIRE_MAIL_FROM": "Paperwire <digest@bench.example.org>",
        "PAPERWIRE_BASE_URL": "https://papers.example.org"}, toml_file=None)
    try:
        rss_before = current_rss_mb()
        report = run_digests(db, config, period_date=args.period)
        peak = peak_rss_mb()
        rerun = run_digests(db, config, period_date=args.period)
        with db.write() as connection:
            connection.exec_driver_sql("DELETE FROM sent_papers")
            connection.exec_driver_sql("DELETE FROM digests")
        parallel = run_digests(db, config, period_date=args.period, workers=args.workers)
        received = sink.stop()
        average = received["bytes"] // max(1, received["count"])  # both runs: same digests
        baseline_sink = Sink()
        raw_seconds = raw_smtp(baseline_sink.port, report.sent, average, config.smtp_pool_size)
        baseline_received = baseline_sink.stop()
    finally:
        db.dispose()
        if drop:
            drop()
    end_to_end = report.sent / report.seconds if report.seconds else 0.0
    raw_rate = report.sent / raw_seconds if raw_seconds else 0.0
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}",
        "database": "postgresql" if args.pg else "sqlite",
        "papers": papers, "subscribers": args.subscribers, "period": args.period.isoformat(),
        "setup_seconds": round(setup_seconds, 1),
        "embedded_candidates": embedded, "embed_seconds": round(embed_seconds, 1),
        "due": report.due, "sent": report.sent, "skipped": report.skipped,
        "failed": report.failed, "bounced": report.bounced,
        "papers_per_digest": round(sum(d["papers"] for d in report.digests) / max(1, report.sent), 1),
        "picks_per_digest": round(sum(d["picks"] for d in report.digests) / max(1, report.sent), 1),
        "smtp_received": received["count"], "smtp_expected": report.sent + parallel.sent,
        "average_message_bytes": average,
        "compose_seconds": round(report.compose_seconds, 2),
        "deliver_seconds": round(report.deliver_seconds, 2),
        "total_seconds": round(report.seconds, 2),
        "compose_per_second": round(report.due / report.compose_seconds, 1),
        "deliver_per_second": round(report.sent / report.deliver_seconds, 1),
        "end_to_end_per_second": round(end_to_end, 1),
        "peak_rss_mb": round(peak, 1), "rss_before_run_mb": round(rss_before, 1),
        "rerun_sent": rerun.sent, "rerun_seconds": round(rerun.seconds, 2),
        "workers": args.workers, "workers_sent": parallel.sent,
        "workers_total_seconds": round(parallel.seconds, 2),
        "workers_end_to_end_per_second": round(parallel.sent / parallel.seconds, 1),
        "raw_smtplib_seconds": round(raw_seconds, 2),
        "raw_smtplib_per_second": round(raw_rate, 1),
        "raw_smtplib_received": baseline_received["count"],
        "ratio_to_raw_smtplib": round(end_to_end / raw_rate, 2) if raw_rate else None,
        "workers_ratio_to_raw_smtplib": round(parallel.sent / parallel.seconds / raw_rate, 2)
        if raw_rate else None,
        "goal": f"< {TARGET_SECONDS:.0f} s and >= {TARGET_RATE:.0f} digests/s end to end",
        "goal_met_one_process": report.seconds < TARGET_SECONDS and end_to_end >= TARGET_RATE,
        "goal_met_workers": parallel.seconds < TARGET_SECONDS
        and parallel.sent / parallel.seconds >= TARGET_RATE,
    }
    if args.json:
        print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
        return
    for key, value in result.items():
        print(f"{key:>26}: {value}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--sink":
        sink_main(int(sys.argv[2]))
    else:
        main()
