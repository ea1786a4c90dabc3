"""arXiv-scale benchmark: millions of papers with 384-d vectors in SQLite and PostgreSQL.

    .venv/bin/python bench/scale.py [--papers 2700000] [--backends sqlite,postgresql]
                                    [--pg URL] [--duration 10] [--work DIR] [--reuse]
                                    [--no-search | --keyword-only | --load-only]
                                    [--word-index serve|command] [--json]

For each database, from empty:
1. Load: the real Hugging Face daily-papers data (9,877 papers with their listed days, so
   the daily API has real days to serve), then synthetic arXiv records in the Kaggle dump
   format up to --papers, through the importer (keyword index kept in step), then one
   clustered synthetic 384-d vector per paper (stored float32, as `paperwire embed` writes
   them). Times and the database size are reported.
2. One, then two `paperwire serve --no-jobs` processes on that database. wrk drives
   /api/daily_papers over every listed day in rotation, and hybrid search with a date filter
   (/api/papers/search, 20 queries in rotation, 4 connections per process). With two
   processes, one wrk per process runs at the same time and the rates are summed.
   /healthz on the same server in the same run is the baseline for each rate. The
   response cache is off (web_cache_seconds=0): every request computes its answer.

The word index (keyword search past 200,000 papers) is built by the first web process in a
background thread (--word-index serve, the default), or before the web processes start by
`paperwire word-index` (--word-index command: its time and peak memory are reported, and
the web processes only load it, as with search_word_index_builder = command).

Every figure carries the load averages of the moment (the machine is shared); progress goes
to stderr as it happens, and the report to --work as report-<time>.json as well as stdout.
Needs wrk (`make bench-web` installs it). The figures go to docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_bulk import timed_import  # noqa: E402
from synthetic import write_kaggle_file  # noqa: E402
from web_load import HF_DATA, QUERIES, Server, listed_days, rotation_script, wrk  # noqa: E402

from paperwire.embed.model import DIMENSIONS, model_key  # noqa: E402
from paperwire.store import Database  # noqa: E402
from paperwire.store.bulk import insert_rows  # noqa: E402
from paperwire.store.embeddings import to_blob  # noqa: E402

CHUNK = 20_000


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages: the machine is shared, so every figure has them."""
    return [round(v, 1) for v in os.getloadavg()]


def note(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')} load {load_average()}] {message}", file=sys.stderr,
          flush=True)


def clustered_vectors(count: int, rng: np.random.Generator, centres: np.ndarray) -> np.ndarray:
    block = centres[rng.integers(0, len(centres), count)]
    block = block + rng.normal(scale=0.7, size=block.shape).astype(np.float32)
    return block / np.linalg.norm(block, axis=1, keepdims=True)


def store_vectors(url: str, model: str) -> dict:
    """One vector per stored paper, written in chunks (COPY on PostgreSQL)."""
    db = Database(url)
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(2000, DIMENSIONS)).astype(np.float32)
    start = time.perf_counter()
    written = 0
    with db.read() as reader:
        result = reader.execution_options(stream_results=True, yield_per=CHUNK).execute(
            text("SELECT id, changed_at FROM papers"))
        for chunk in result.partitions(CHUNK):
            vectors = clustered_vectors(len(chunk), rng, centres)
            now = "2026-11-26T00:00:00.000000+00:00"
            with db.write() as connection:
                insert_rows(connection, "paper_embeddings",
                            ("model", "paper_id", "vector", "text_hash", "paper_changed_at",
                             "embedded_at"),
                            [(model, row[0], to_blob(v), "-", row[1], now)
                             for row, v in zip(chunk, vectors)])
            written += len(chunk)
    seconds = time.perf_counter() - start
    db.dispose()
    return {"vectors": written, "seconds": round(seconds, 1),
            "vectors_per_s": round(written / seconds), "load_average": load_average()}


def kaggle_count(path: Path) -> int:
    return int(path.stem.split("-")[1])


def stored_papers(url: str) -> int:
    db = Database(url)
    try:
        db.upgrade()
        with db.read() as connection:
            return connection.execute(text("SELECT COUNT(*) FROM papers")).scalar_one()
    finally:
        db.dispose()


def pg_database(admin_url: str, keep: bool) -> str:
    """The benchmark's PostgreSQL database: made fresh unless an earlier one is kept."""
    from sqlalchemy import create_engine
    admin = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = "
                                         "'paperwire_scale'")).scalar()
        if exists and not keep:
            connection.execute(text('DROP DATABASE "paperwire_scale" WITH (FORCE)'))
        if not exists or not keep:
            connection.execute(text('CREATE DATABASE "paperwire_scale"'))
    url = admin.url.set(database="paperwire_scale").render_as_string(hide_password=False)
    admin.dispose()
    return url


def database_bytes(url: str) -> int:
    db = Database(url)
    try:
        if db.is_sqlite:
            path = Path(url.split("///", 1)[1])
            return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
        with db.read() as connection:
            return connection.execute(text("SELECT pg_database_size(current_database())")
                                      ).scalar_one()
    finally:
        db.dispose()


def warm_search(base: str, timeout: float = 1800) -> float:
    """The first semantic query builds the process's vector index from the database."""
    start = time.perf_counter()
    answer = httpx.get(f"{base}/api/papers/search", params={"q": "diffusion", "limit": 10},
                       timeout=timeout)
    answer.raise_for_status()
    return time.perf_counter() - start


def wait_word_index(base: str, timeout: float = 3600) -> float:
    """Wait until the process's word index is built (or loaded): /metrics says how many
    papers it holds. Until then keyword search falls back to the database."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        for line in httpx.get(f"{base}/metrics", timeout=60).text.splitlines():
            if line.startswith('paperwire_search_index_papers{index="words"}') and \
                    float(line.split()[-1]) > 0:
                return time.perf_counter() - start
        time.sleep(5)
    raise RuntimeError("the word index was not ready in time")


def measure(servers: list[Server], folder: Path, days: list[str], duration: int,
            search: bool = True) -> list[dict]:
    api = rotation_script(folder, "api", [f"/api/daily_papers?date={d}" for d in days])
    queries = rotation_script(folder, "search", [
        "/api/papers/search?" + str(httpx.QueryParams(
            {"q": q, "since": "2024-01-01", "limit": 10})) for q in QUERIES])
    targets = [("/healthz (baseline)", "/healthz", None, 16),
               ("/api/daily_papers, all listed days in rotation", "/", api, 16),
               ("hybrid search with a date filter, 20 queries", "/", queries, 4)]
    if not search:
        targets = targets[:2]
    rows = []
    for name, path, script, connections in targets:
        with ThreadPoolExecutor(len(servers)) as pool:
            results = list(pool.map(lambda s: wrk(s.base + path, duration=duration,
                                                  connections=connections, script=script),
                                    servers))
        row = {"target": name, "processes": len(servers),
               "rps": round(sum(r["rps"] for r in results)),
               "p50_ms": max(r["p50_ms"] for r in results),
               "p99_ms": max(r["p99_ms"] for r in results),
               "non_2xx": sum(r["non_2xx"] for r in results),
               "socket_errors": [r["socket_errors"] for r in results if r["socket_errors"]],
               "load_average": load_average()}
        rows.append(row)
        note(f"{len(servers)} process(es)  {name:<48} {row['rps']:>7,} req/s  "
             f"p50 {row['p50_ms']} ms  p99 {row['p99_ms']} ms  non-2xx {row['non_2xx']}  "
             f"{'; '.join(row['socket_errors'])}")
    for row in rows:
        row["ratio_to_healthz"] = round(row["rps"] / rows[0]["rps"], 3)
    return rows


def keyword_timings(url: str, timeout_s: int) -> list[dict]:
    """The keyword side alone, in process: search(mode="text") for the 20 web queries with the
    same date filter, one at a time, each capped at timeout_s on PostgreSQL
    (statement_timeout). No vector index is built, so it takes minutes on a loaded database."""
    from datetime import date

    from paperwire.search import SearchRequest, search
    os.environ["PGOPTIONS"] = f"-c statement_timeout={timeout_s * 1000}"  # read by libpq
    db = Database(url)
    rows = []
    try:
        for query in QUERIES:
            started = time.perf_counter()
            try:
                search(db, SearchRequest(query, mode="text", limit=10, since=date(2024, 1, 1)))
                seconds = round(time.perf_counter() - started, 2)
            except Exception as exc:  # noqa: BLE001 - the statement timeout
                seconds = f"> {timeout_s} ({type(exc).__name__})"
            rows.append({"query": query, "seconds": seconds, "load_average": load_average()})
            note(f"keyword side alone {query!r}: {seconds} s")
    finally:
        db.dispose()
    return rows


def run_backend(label: str, url: str, kaggle: Path, args: argparse.Namespace,
                folder: Path) -> dict:
    note(f"== {label}")
    result: dict = {"backend": label}
    if args.reuse and stored_papers(url) >= args.papers * 0.99:  # ids may repeat in the HF data
        result["load_seconds"] = None  # loaded by an earlier run (--reuse)
    else:
        if not kaggle.exists():
            started = time.perf_counter()
            write_kaggle_file(str(kaggle), kaggle_count(kaggle))
            note(f"wrote {kaggle_count(kaggle):,} synthetic records in "
                 f"{time.perf_counter() - started:.0f} s")
        result["load_hf"] = timed_import(url, HF_DATA, None)
        note(f"HF papers: {result['load_hf']}")
        result["load_papers"] = timed_import(url, kaggle, None) | {"load_average": load_average()}
        note(f"papers: {result['load_papers']}")
        result["load_vectors"] = store_vectors(url, model_key("onnx-int8"))
        note(f"vectors: {result['load_vectors']}")
        result["load_seconds"] = round(result["load_hf"]["seconds"] +
                                       result["load_papers"]["seconds"] +
                                       result["load_vectors"]["seconds"], 1)
    result["database_gb"] = round(database_bytes(url) / 1e9, 2)
    note(f"loaded in {result['load_seconds']} s; database {result['database_gb']} GB")
    if args.keyword_only:
        result["keyword_side_alone"] = keyword_timings(url, args.keyword_timeout)
        return result
    if args.load_only:
        return result
    days = listed_days(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWIRE_")}
    data = folder / f"{label}-web"
    if args.word_index == "command" and not args.no_search:
        result["word_index_command"] = word_index_command(
            {**env, "PAPERWIRE_DATABASE_URL": url, "PAPERWIRE_DATA_DIR": str(data)})
        note(f"paperwire word-index: {result['word_index_command']}")
    result["web"] = []
    servers: list[Server] = []
    try:
        for count in (1, 2):
            while len(servers) < count:
                # One data folder, as the processes of one machine share it: the first
                # process's index caches (vectors, words) are read by the second.
                env_node = {**env, "PAPERWIRE_DATABASE_URL": url, "PAPERWIRE_DATA_DIR": str(data),
                            "HOME": str(data), "PAPERWIRE_JOBS_ENABLED": "false",
                            "PAPERWIRE_DIGEST_JOBS_ENABLED": "false",
                            "PAPERWIRE_SECRET_KEY": "bench",
                            # Every request computes its answer: no reuse of a built one.
                            "PAPERWIRE_WEB_CACHE_SECONDS": "0",
                            "PAPERWIRE_SEARCH_WORD_INDEX_BUILDER": args.word_index}
                servers.append(Server(env_node))
                if not args.no_search:
                    result.setdefault("index_build_seconds", []).append(
                        round(warm_search(servers[-1].base), 1))
                    note(f"process {len(servers)}: first search (vector index build) "
                         f"{result['index_build_seconds'][-1]} s")
                    result.setdefault("word_index_seconds", []).append(
                        round(wait_word_index(servers[-1].base), 1))
                    note(f"process {len(servers)}: word index ready after "
                         f"{result['word_index_seconds'][-1]} s more")
            result["web"] += measure(servers, folder, days, args.duration,
                                     search=not args.no_search)
    finally:
        for server in servers:
            stop(server)
    return result


def word_index_command(env: dict) -> dict:
    """`paperwire word-index --json` as an operator runs it; its wall time, and its peak
    memory as the kernel measured it (the child's maximum resident set)."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "paperwire", "word-index", "--json"],
                               env=env, stdout=subprocess.PIPE)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"paperwire word-index failed: {status}")
    report = json.loads(output)
    return {"seconds": round(time.perf_counter() - started, 1), "papers": report["papers"],
            "index_mb": report["memory_mb"], "peak_rss_mb": round(usage.ru_maxrss / 1024),
            "load_average": load_average()}


def stop(server: Server) -> None:
    """A server still computing searches wrk gave up on does not stop on SIGTERM in time:
    kill it (and its database sessions end with it)."""
    try:
        server.stop()
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=2_700_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg", default=os.environ.get("PAPERWIRE_TEST_PG_URL",
                                                       "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk target")
    parser.add_argument("--work", default=None, help="folder for the generated files "
                                                     "(default: a temporary folder)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep and reuse databases an earlier run loaded (in --work, and the "
                             "PostgreSQL database paperwire_scale) instead of loading again")
    parser.add_argument("--no-search", action="store_true",
                        help="measure the API only (no vector index build, no search load)")
    parser.add_argument("--keyword-only", action="store_true",
                        help="no web part: time the keyword side of search alone, in process")
    parser.add_argument("--keyword-timeout", type=int, default=30,
                        help="seconds at most per query with --keyword-only")
    parser.add_argument("--load-only", action="store_true",
                        help="load the databases and stop (a later run takes them with --reuse)")
    parser.add_argument("--word-index", choices=("serve", "command"), default="serve",
                        help="who builds the word index: the first web process (serve) or "
                             "`paperwire word-index` before the web processes start (command)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: run `make bench-web` once, or apt-get install wrk")
    folder = Path(args.work or tempfile.mkdtemp(prefix="paperwire-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    synthetic = max(0, args.papers - 9_877)
    kaggle = folder / f"kaggle-{synthetic}.jsonl"
    report = {"papers": args.papers, "machine": f"{os.cpu_count()} cores, {platform.machine()}",
              "backends": []}
    for label in args.backends.split(","):
        if label == "sqlite":
            path = folder / "scale.db"
            for old in folder.glob("scale.db*") if not args.reuse else ():
                old.unlink()
            report["backends"].append(run_backend(label, f"sqlite:///{path}", kaggle, args,
                                                  folder))
        else:
            url = pg_database(args.pg, keep=args.reuse)
            report["backends"].append(run_backend(label, url, kaggle, args, folder))
    (folder / f"report-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(report, indent=2))
    print(json.dumps(report, indent=2) if args.json else json.dumps(report))


if __name__ == "__main__":
    main()
