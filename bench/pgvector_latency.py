"""Semantic search inside PostgreSQL (pgvector HNSW) against the in-process faiss index, on
the same data in the same run: N papers in a throwaway PostgreSQL from the `pgserver`
package (pgvector bundled), HNSW build time, search() latency with a date filter through
each backend, and recall@10 against exact search.

    .venv/bin/python bench/pgvector_latency.py [--papers 100000] [--queries 200] [--json]

Papers and vectors as in bench/search_latency.py: the real HF daily papers, then synthetic
ones; clustered synthetic unit vectors written straight to paper_embeddings (the
generated pgvector column is computed on the way in). Queries are real paper titles,
embedded by the real model; recall uses queries near the corpus (a stored vector plus
noise), as a synthetic corpus has no true neighbours of a real query.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import orjson
import pgserver
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from search_data import load_hf
from search_latency import SINCE, build, clustered_vectors, paper_rows, percentile

from paperwire.config import load_config
from paperwire.search import SearchRequest, search
from paperwire.search.filters import Filters
from paperwire.search.pgvector import STATES, PgVectorIndex
from paperwire.search.semantic import embedder_for, index_for, pgvector_for
from paperwire.search.api import _allowed
from paperwire.search.vectors import INDEXES
from paperwire.store import Database
from paperwire.store import pgvector as storage


def start_postgres(folder: Path) -> tuple[object, str]:
    server = pgserver.get_server(folder / "data", cleanup_mode="delete")
    uri = server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"paperwire_bench_{secrets.token_hex(3)}"
    admin = create_engine(uri, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server, make_url(uri).set(database=name).render_as_string(hide_password=False)


def timed(run, queries: list) -> dict:  # noqa: ANN001
    timings = []
    for query in queries:
        started = time.perf_counter()
        run(query)
        timings.append(time.perf_counter() - started)
    return {"p50_ms": percentile(timings, 50), "p99_ms": percentile(timings, 99)}


def recall(found: list[set[str]], truth: list[set[str]]) -> float:
    return round(float(np.mean([len(f & t) / len(t) for f, t in zip(found, truth)])), 4)


def run(args: argparse.Namespace, work: Path) -> dict:
    server, url = start_postgres(work)
    data = work / "paperwire"
    data.mkdir()
    (data / "models").symlink_to(Path(args.model_cache), target_is_directory=True)
    inside = load_config({"data_dir": str(data), "search_vector_backend": "pgvector"},
                         environ={})
    local = load_config({"data_dir": str(data), "search_vector_backend": "in-process"},
                        environ={})
    db = Database(url)
    db.upgrade()
    with db.read() as connection:
        state = storage.state(connection)
        settings = dict(connection.execute(text(
            "SELECT name, setting || COALESCE(unit, '') FROM pg_settings WHERE name IN "
            "('shared_buffers', 'max_parallel_maintenance_workers', 'work_mem')")).all())
    report: dict = {"papers": args.papers, "cpus": os.cpu_count(), "pgvector": state.version,
                    "iterative_scan": state.iterative_scan, "postgres_settings": settings,
                    "since": SINCE.isoformat()}
    rows = load_hf()
    random.Random(7).shuffle(rows)
    titles = [r["title"] for r in rows[:args.queries]]
    rng = np.random.default_rng(args.papers)
    papers = paper_rows(rows, args.papers, rng)
    vectors = clustered_vectors(args.papers, rng)
    model = embedder_for(inside).key
    with db.write() as connection:  # a bulk load builds the graph once, afterwards
        storage.drop_index(connection)
    started = time.perf_counter()
    build(db, papers, vectors, model)  # COPY; the vector column is generated on the way in
    report["load_seconds"] = round(time.perf_counter() - started, 1)
    with db.write() as connection:
        connection.execute(text("ANALYZE papers, paper_categories, paper_embeddings"))
    started = time.perf_counter()
    with db.write() as connection:
        storage.build_index(connection)
    report["hnsw_build_seconds"] = round(time.perf_counter() - started, 1)
    with db.read() as connection:
        report["hnsw_index_mb"] = round(connection.execute(text(
            "SELECT pg_relation_size(:n)"), {"n": storage.INDEX_NAME}).scalar_one() / 2**20, 1)
    STATES.clear()
    pg = pgvector_for(db, inside)
    assert pg is not None, "pgvector index not ready"
    started = time.perf_counter()
    index = index_for(db, local)
    report["in_process_build_seconds"] = round(time.perf_counter() - started, 1)
    report["in_process_index"] = "IVF int8 (faiss)" if index.is_ann else "exact float32"

    embedder = embedder_for(inside)
    search(db, SearchRequest("warm up", mode="semantic"), inside)
    search(db, SearchRequest("warm up", mode="semantic"), local)
    for name, since in (("semantic_date_filter", SINCE), ("semantic", None)):
        for backend, config in (("pgvector", inside), ("in_process", local)):
            report[f"search_{name}_{backend}"] = timed(
                lambda q, c=config, s=since: search(db, SearchRequest(q, mode="semantic",
                                                                      limit=10, since=s), c),
                titles)
        report[f"search_{name}_ratio_p50"] = round(
            report[f"search_{name}_pgvector"]["p50_ms"]
            / max(report[f"search_{name}_in_process"]["p50_ms"], 0.001), 2)
    # the vector step alone (query vectors made beforehand), at search()'s depth of 100
    query_vectors = embedder.encode(titles)
    filters = Filters(since=SINCE)
    report["vectors_only_date_filter_depth100_pgvector"] = timed(
        lambda q: pg.search(q, 100, filters), list(query_vectors))
    report["vectors_only_date_filter_depth100_in_process"] = timed(
        lambda q: index.search(q, 100, _allowed(db, index, filters)), list(query_vectors))
    # the same through a join to papers per candidate (before paper_embeddings had the date)
    joined = PgVectorIndex(db, pg.model, pg.iterative_scan, dated=False)
    report["vectors_only_date_filter_depth100_pgvector_joined"] = timed(
        lambda q: joined.search(q, 100, filters), list(query_vectors))
    report["date_column_speedup_p50"] = round(
        report["vectors_only_date_filter_depth100_pgvector_joined"]["p50_ms"]
        / max(report["vectors_only_date_filter_depth100_pgvector"]["p50_ms"], 0.001), 2)

    # recall@10 against exact, with the date filter, on queries near the corpus
    published = np.array([p[5][:10] >= SINCE.isoformat() for p in papers])
    ids = np.array([p[0] for p in papers])
    picks = rng.choice(np.flatnonzero(published), args.recall_queries, replace=False)
    near = vectors[picks] + rng.normal(scale=0.03, size=(len(picks), 384)).astype(np.float32)
    near /= np.linalg.norm(near, axis=1, keepdims=True)
    truth = []
    for vector in near:
        scores = vectors @ vector
        scores[~published] = -np.inf
        truth.append(set(ids[np.argpartition(-scores, 10)[:10]]))
    mask = _allowed(db, index, filters)
    report["recall@10_pgvector_k10"] = recall(
        [{i for i, _ in pg.search(v, 10, filters)} for v in near], truth)
    report["recall@10_pgvector_in_depth100"] = recall(
        [{i for i, _ in pg.search(v, 100, filters)[:10]} for v in near], truth)
    report["recall@10_in_process_k10"] = recall(
        [{i for i, _ in index.search(v, 10, mask)} for v in near], truth)
    report["load_average_1m"] = round(os.getloadavg()[0], 2)
    db.dispose()
    INDEXES.clear()
    server.cleanup()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--recall-queries", type=int, default=100)
    parser.add_argument("--model-cache", default=str(Path(tempfile.gettempdir()) /
                                                     "paperwire-bench" / "models"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    Path(args.model_cache).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="paperwire-pgvector-bench-"))
    started = time.perf_counter()
    try:
        report = run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() if args.json
          else "\n".join(f"{k}: {v}" for k, v in report.items()))


if __name__ == "__main__":
    main()
