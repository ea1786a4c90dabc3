"""Recommendation latency for one reader over 1M papers, on these 2 cores.

1M synthetic papers (unit vectors around 200 topics, publication days spread over three
years) in the in-memory pool; the newest `--window` days (about 27k papers at 30 days)
are also real rows of a SQLite store, with text, authors, categories and stored vectors.
The reader has 20 saved papers, 10 "not interested", 3 interests and 2 follows; the model
is trained once beforehand (the cache), as in the web app.

Each request is the whole `recommend()` call: profile read, cached model check,
pre-filter of the 1M to the window, model scoring, shortlist, re-ranking with text,
authors and follows, explanations, 20 cards. The baseline, in the same run, scores all 1M
papers with the same model (no window pre-filter; shortlist as before).

    .venv/bin/python bench/recommend_latency.py [--papers 1000000] [--requests 200] [--json]
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import random  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import orjson  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from paperwire.config import load_config  # noqa: E402
from paperwire.formats.base import Parsed  # noqa: E402
from paperwire.ingest import Importer, ImportSummary  # noqa: E402
from paperwire.recommend import actions  # noqa: E402
from paperwire.recommend.feed import recommend  # noqa: E402
from paperwire.recommend.pool import RecentPool  # noqa: E402
from paperwire.records import PaperRecord  # noqa: E402
from paperwire.search.semantic import embedder_for  # noqa: E402
from paperwire.store import Database  # noqa: E402
from paperwire.store import embeddings as stored  # noqa: E402
from paperwire.store.users import ensure_user  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
WORDS = ("model learning neural network data training language large graph quantum field "
         "theory energy spin phase transition deep method results attention vision robot "
         "policy reinforcement diffusion generative benchmark dataset evaluation analysis "
         "system scalable efficient robust physics galaxy cluster lattice gauge symmetry "
         "protein speech retrieval agent reasoning").split()
CATEGORIES = "cs.LG cs.CL cs.CV cs.AI stat.ML cs.IR cs.RO quant-ph astro-ph.GA".split()
NAMES = [f"{a} {b}" for a in "Alice Bo Chen Dmitri Elena Farid Grace Hiro Ines Jun".split()
         for b in "Smith Zhang Müller Rossi Kim Novak Silva Haddad Tanaka Ivanov".split()]


def synthetic(papers: int, span_days: int, rng: np.random.Generator
              ) -> tuple[list[str], np.ndarray, np.ndarray, date]:
    newest = date(2026, 11, 20)
    topics = rng.standard_normal((200, 384), dtype=np.float32)
    topics /= np.linalg.norm(topics, axis=1, keepdims=True)
    matrix = np.empty((papers, 384), dtype=np.float32)
    labels = rng.integers(0, 200, papers)
    for start in range(0, papers, 100_000):
        stop = min(papers, start + 100_000)
        block = topics[labels[start:stop]] + 0.08 * rng.standard_normal(
            (stop - start, 384), dtype=np.float32)
        matrix[start:stop] = block / np.linalg.norm(block, axis=1, keepdims=True)
    days = np.sort(rng.integers(newest.toordinal() - span_days + 1, newest.toordinal() + 1,
                                papers)).astype(np.int32)
    ids = [f"2{i:09d}" for i in range(papers)]
    return ids, matrix, days, newest


def store_window(db: Database, ids: list[str], matrix: np.ndarray, days: np.ndarray,
                 rows: np.ndarray, model: str) -> dict[str, str]:
    text_rng = random.Random(3)
    records = []
    for r in rows:
        words = text_rng.choices(WORDS, k=150)
        records.append(Parsed(f"bench:{r}", PaperRecord(
            doi=f"10.0000/bench.{ids[r]}", title=" ".join(words[:10]).capitalize(),
            abstract=" ".join(words), authors=text_rng.sample(NAMES, 4),
            categories=[text_rng.choice(CATEGORIES)],
            published=date.fromordinal(int(days[r])).isoformat() + "T00:00:00Z")))
    Importer(db).import_results(records, ImportSummary())
    with db.read() as connection:
        keys = dict(connection.exec_driver_sql("SELECT doi, id FROM papers").all())
    with db.write() as connection:
        stored.save_vectors(connection, model, [
            (keys[f"10.0000/bench.{ids[r]}"], matrix[r], "bench", "x") for r in rows], "now")
    return keys


def timed(call, requests: int) -> np.ndarray:  # noqa: ANN001
    call()  # warm: interests embedded once per process
    seconds = []
    for _ in range(requests):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return np.array(seconds) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=1_000_000)
    parser.add_argument("--window", type=int, default=30)
    parser.add_argument("--span-days", type=int, default=1095)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rng = np.random.default_rng(11)
    started = time.perf_counter()
    ids, matrix, days, newest = synthetic(args.papers, args.span_days, rng)
    work = OUT / "latency"
    shutil.rmtree(work, ignore_errors=True)
    (work / "data").mkdir(parents=True)
    if (OUT / "model" / "models").exists():  # the int8 model made by recommend_data.py
        (work / "data" / "models").symlink_to((OUT / "model" / "models").resolve())
    config = load_config({"data_dir": str(work / "data"),
                          "recommend_window_days": args.window}, environ={})
    db = Database(f"sqlite:///{work / 'bench.db'}")
    db.upgrade()
    model = embedder_for(config).key
    window_rows = np.flatnonzero(days > days.max() - args.window)
    keys = store_window(db, ids, matrix, days, window_rows, model)
    # the pool's ids are the store's keys for the window, synthetic ids elsewhere
    pool_ids = list(ids)
    for r in window_rows:
        pool_ids[r] = keys[f"10.0000/bench.{ids[r]}"]
    pool = RecentPool(pool_ids, matrix, days)
    setup = time.perf_counter() - started

    with db.write() as connection:
        user = ensure_user(connection, "reader@example.org", "2026-11-01T00:00:00Z").id
    picks = rng.choice(window_rows, 30, replace=False)
    for r in picks[:20]:
        actions.save(db, user, pool_ids[r])
    for r in picks[20:]:
        actions.not_interested(db, user, pool_ids[r])
    for interest in ("retrieval augmented generation", "protein design", "robot policy"):
        actions.add_interest(db, user, interest)
    actions.follow(db, user, "category", "cs.IR")
    actions.follow(db, user, "author", NAMES[7])
    first = recommend(db, config, user, pool=pool)  # trains and caches the model
    assert first.trained_now and len(first.items) == 20

    shipped = timed(lambda: recommend(db, config, user, pool=pool), args.requests)
    assert not recommend(db, config, user, pool=pool).trained_now
    everything = load_config({"data_dir": str(work / "data"),
                              "recommend_window_days": args.span_days + 1}, environ={})
    baseline = timed(lambda: recommend(db, everything, user, pool=pool),
                     max(20, args.requests // 5))

    def summary(values: np.ndarray) -> dict:
        return {"p50_ms": round(float(np.percentile(values, 50)), 1),
                "p95_ms": round(float(np.percentile(values, 95)), 1),
                "p99_ms": round(float(np.percentile(values, 99)), 1), "requests": len(values)}

    report = {"papers": args.papers, "window_days": args.window,
              "window_papers": int(len(window_rows)), "cpus": os.cpu_count(),
              "setup_seconds": round(setup, 1),
              "shipped (window pre-filter)": summary(shipped),
              "baseline (all papers scored)": summary(baseline)}
    report["p95 ratio baseline/shipped"] = round(
        report["baseline (all papers scored)"]["p95_ms"] /
        report["shipped (window pre-filter)"]["p95_ms"], 1)
    if args.json:
        print(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode())
        return
    print(f"{args.papers:,} papers, last {args.window} days = {len(window_rows):,} candidates, "
          f"{os.cpu_count()} CPUs, setup {setup:.0f} s")
    for name in ("shipped (window pre-filter)", "baseline (all papers scored)"):
        s = report[name]
        print(f"{name:32} p50 {s['p50_ms']:7.1f} ms  p95 {s['p95_ms']:7.1f} ms  "
              f"p99 {s['p99_ms']:7.1f} ms  ({s['requests']} requests)")
    print(f"p95 ratio baseline/shipped: {report['p95 ratio baseline/shipped']}x")


if __name__ == "__main__":
    main()
