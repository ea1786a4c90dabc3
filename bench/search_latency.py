"""End-to-end search latency in process (query embedding included) at 10k, 100k and 1M
papers, through the shipped path: a SQLite database with the FTS5 index and stored
vectors, `search()` with hybrid fusion and a date filter.

    .venv/bin/python bench/search_latency.py [--sizes 10000,100000,1000000] [--queries 200] [--json]

Papers: the real HF daily papers (9,877), then synthetic papers (words drawn from the
real abstracts' vocabulary, by frequency) up to each size. Vectors are synthetic
(clustered, unit length) and written straight to paper_embeddings: embedding 1M texts
on 2 cores would take days. Queries are real paper titles, embedded by the real model.
Also: ANN recall@10 against exact search (same filter), and the vector index's memory;
from `search_word_index_min` papers on, the word index's build time, memory and top-10
agreement with FTS5's exact bm25.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import re
import shutil
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import orjson
import psutil

from search_data import load_hf

from paperwire.config import load_config
from paperwire.search import SearchRequest, search
from paperwire.search.semantic import embedder_for, index_for
from paperwire.search.filters import Filters
from paperwire.search.vectors import INDEXES, day_number
from paperwire.search.word_index import WORD_INDEXES
from paperwire.store import Database
from paperwire.store.bulk import insert_rows
from paperwire.store.embeddings import to_blob

SINCE = date(2025, 6, 1)  # the date filter: papers published since (about a fifth of them)
FIRST_DAY, LAST_DAY = date(2020, 1, 1), date(2026, 8, 31)


def vocabulary(rows: list[dict]) -> tuple[list[str], np.ndarray]:
    counts = Counter(w for r in rows for w in re.findall(r"[a-z]{3,}", (r.get("summary") or "").lower()))
    words = [w for w, _ in counts.most_common(20000)]
    weights = np.array([counts[w] for w in words], dtype=np.float64)
    return words, weights / weights.sum()


def paper_rows(rows: list[dict], total: int, rng: np.random.Generator,
               texts: bool = True) -> list[tuple]:
    """The papers' rows; with texts=False only their ids (the same random draws are made,
    so the vectors drawn next are the same)."""
    now = "2026-11-26T00:00:00Z"
    out = [(r["arxiv_id"], r["title"], r.get("summary") or "", orjson.dumps(r.get("authors") or []).decode(),
            "cs.LG", (r.get("paper_published_at") or r["daily_date"])[:10] + "T00:00:00Z", now, now)
           for r in rows[:total]]
    missing = total - len(out)
    if missing > 0:
        words, weights = vocabulary(rows)
        picks = rng.choice(len(words), size=(missing, 40), p=weights)
        span = (LAST_DAY - FIRST_DAY).days
        days = rng.integers(0, span, missing)
        if not texts:
            return out + [(f"synthetic:{i:07d}",) for i in range(missing)]
        for i in range(missing):
            text = [words[j] for j in picks[i]]
            published = (FIRST_DAY + timedelta(days=int(days[i]))).isoformat() + "T00:00:00Z"
            out.append((f"synthetic:{i:07d}", " ".join(text[:8]).capitalize(), " ".join(text[8:]),
                        '["Synthetic Author"]', "cs.LG", published, now, now))
    return out


def clustered_vectors(n: int, rng: np.random.Generator) -> np.ndarray:
    centres = rng.normal(size=(2000, 384)).astype(np.float32)
    out = np.empty((n, 384), dtype=np.float32)
    for start in range(0, n, 100_000):
        stop = min(n, start + 100_000)
        block = centres[rng.integers(0, 2000, stop - start)]
        block += rng.normal(scale=0.7, size=block.shape).astype(np.float32)
        out[start:stop] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def build(db: Database, papers: list[tuple], vectors: np.ndarray, model: str) -> None:
    now = "2026-11-26T00:00:00.000000+00:00"
    with db.write() as connection:
        insert_rows(connection, "papers", ("id", "title", "abstract", "authors", "categories",
                                           "published_at", "first_seen_at", "changed_at"), papers)
        for start in range(0, len(papers), 50_000):
            insert_rows(connection, "paper_embeddings",
                        ("model", "paper_id", "vector", "text_hash", "paper_changed_at",
                         "embedded_at"),
                        [(model, p[0], to_blob(v), "-", p[7], now)
                         for p, v in zip(papers[start:start + 50_000],
                                         vectors[start:start + 50_000])])


def word_overlap(db: Database, words, queries: list[str]) -> float:  # noqa: ANN001
    """Top-10 agreement of the word index (with the date filter) with FTS5's exact bm25 over
    every query word (no pruning): what the index's bounded reading gives up."""
    from sqlalchemy import text as sql
    from paperwire.search.api import _allowed
    from paperwire.search.fts import BM25_WEIGHTS, fts5_expression
    from paperwire.search.query import parse_query
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    shares = []
    for query in queries:
        parsed = parse_query(query)
        found = {i for i, _ in words.search(parsed.ranked_words(), 10,
                                             _allowed(db, words, Filters(since=SINCE)))}
        with db.read() as connection:
            exact = set(connection.execute(sql(
                f"SELECT p.id, bm25(papers_fts, {weights}) AS r FROM papers_fts JOIN papers p "
                "ON p.rowid = papers_fts.rowid WHERE papers_fts MATCH :m AND p.published_at >= "
                ":since ORDER BY r LIMIT 10"), {"m": fts5_expression(parsed),
                                                "since": SINCE.isoformat()}).scalars())
        if exact:
            shares.append(len(found & exact) / len(exact))
    return round(float(np.mean(shares)), 3)


def percentile(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)) * 1000, 1)


def run_size(size: int, rows: list[dict], queries: list[str], work: Path, model_cache: Path,
             rng: np.random.Generator) -> dict:
    data = work / f"n{size}"
    reused = (data / "ready").exists()
    if not reused:
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
        (data / "models").symlink_to(model_cache, target_is_directory=True)
    config = load_config({"data_dir": str(data)}, environ={})
    db = Database(config.effective_database_url)
    db.upgrade()
    model = embedder_for(config).key
    started = time.perf_counter()
    papers = paper_rows(rows, size, rng, texts=not reused)
    vectors = clustered_vectors(size, rng)
    if not reused:
        build(db, papers, vectors, model)
        (data / "ready").touch()
    for cache in (data / "search").glob("*"):  # time the index build from the database
        cache.unlink()
    result: dict = {"papers": size, "load_seconds": round(time.perf_counter() - started, 1),
                    "database_reused": reused}
    INDEXES.clear()
    gc.collect()
    rss_before = psutil.Process().memory_info().rss
    started = time.perf_counter()
    index = index_for(db, config)
    result["index_build_seconds"] = round(time.perf_counter() - started, 1)
    gc.collect()
    result["index"] = "IVF int8 (faiss)" if index.is_ann else "exact float32"
    result["index_memory_mb"] = round(index.memory_bytes() / 2**20, 1)
    result["rss_growth_mb"] = round((psutil.Process().memory_info().rss - rss_before) / 2**20, 1)
    words = None
    if size >= config.search_word_index_min:  # as shipped: the word index past the threshold
        started = time.perf_counter()
        words = WORD_INDEXES.wait(db, config.search_word_index_min)
        result["word_index_build_seconds"] = round(time.perf_counter() - started, 1)
        result["word_index_memory_mb"] = round(words.memory_bytes() / 2**20, 1)
    # Each query once in text mode first: a running server has met most words before (the
    # count of a word's papers is cached; SQLite's pages are in memory). Unwarmed, the first
    # mode timed would pay for that alone.
    for query in queries:
        search(db, SearchRequest(query, mode="text", limit=10, since=SINCE), config)
    for name, mode, since in (("hybrid_date_filter", "hybrid", SINCE), ("hybrid", "hybrid", None),
                              ("text_date_filter", "text", SINCE),
                              ("semantic_date_filter", "semantic", SINCE)):
        timings, cpu = [], []
        for query in queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            search(db, SearchRequest(query, mode=mode, limit=10, since=since), config)
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        # CPU seconds per query (all threads) beside wall time: the shared machine's load
        # stretches wall time, not the work done.
        result[name] = {"p50_ms": percentile(timings, 50), "p99_ms": percentile(timings, 99),
                        "cpu_p50_ms": percentile(cpu, 50), "cpu_p99_ms": percentile(cpu, 99)}
    result["load_average"] = round(os.getloadavg()[0], 1)
    if words is not None:
        result["word_index_overlap@10_vs_fts5"] = word_overlap(db, words, queries[:50])
    if index.is_ann:  # recall@10 of the ANN index (with its re-scoring) against exact
        # Queries near the corpus (a stored vector plus noise): a real query's embedding
        # has no true neighbours among synthetic vectors, so it would measure nothing.
        allowed = index.days >= day_number(SINCE)
        order = np.array([index.rows[p[0]] for p in papers])
        truth = np.empty_like(vectors)
        truth[order] = vectors
        hits = []
        picks = rng.choice(np.flatnonzero(allowed), 100, replace=False)
        for pick in picks:
            vector = truth[pick] + rng.normal(scale=0.03, size=384).astype(np.float32)
            vector /= np.linalg.norm(vector)
            scores = truth @ vector
            scores[~allowed] = -np.inf
            exact = {index.ids[i] for i in np.argpartition(-scores, 10)[:10]}
            found = {paper_id for paper_id, _ in index.search(vector, 10, allowed)}
            hits.append(len(exact & found) / 10)
        result["ann_recall@10_vs_exact"] = round(float(np.mean(hits)), 4)
    db.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--model-cache", default=str(Path(tempfile.gettempdir()) /
                                                     "paperwire-bench" / "models"))
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "paperwire-bench" /
                                              "latency"),
                        help="Where the generated databases are kept; a later run reuses them "
                             "(building 1M papers and vectors takes about 2 minutes)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = load_hf()
    random.Random(7).shuffle(rows)
    queries = [r["title"] for r in rows[:args.queries]]
    report = {"cpus": os.cpu_count(), "queries": len(queries), "since": SINCE.isoformat(),
              "sizes": []}
    started = time.perf_counter()
    for size in (int(s) for s in args.sizes.split(",")):
        report["sizes"].append(run_size(size, rows, queries, Path(args.work),
                                        Path(args.model_cache), np.random.default_rng(size)))
        INDEXES.clear()
        WORD_INDEXES.clear()
        gc.collect()
        if not args.json:
            print(orjson.dumps(report["sizes"][-1]).decode(), flush=True)
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() if args.json
          else f"total {report['seconds']} s")


if __name__ == "__main__":
    main()
