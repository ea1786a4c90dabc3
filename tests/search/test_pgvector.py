"""Semantic search inside PostgreSQL with pgvector's HNSW index, on a real PostgreSQL with
the extension (the `pgserver` package bundles one), against the in-process index on the
same data; and the fallback where the extension is missing."""

from __future__ import annotations

import gzip
import json
import logging
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from paperwire.config import load_config
from paperwire.embed.runner import embed_missing
from paperwire.formats.hf_daily import record_from_flat
from paperwire.search import SearchRequest, search, similar
from paperwire.search.filters import Filters
from paperwire.search.pgvector import STATES, PgVectorIndex, vector_literal
from paperwire.search.semantic import embedder_for, pgvector_for
from paperwire.search.vectors import INDEXES
from paperwire.store import Database
from paperwire.store import pgvector as storage
from paperwire.store.bulk import insert_rows
from paperwire.store.embeddings import to_blob

from ..conftest import REPO, run_cli
from .conftest import CORPUS, load, paper

DEMO = REPO / "src" / "paperwire" / "demo" / "hf_daily_papers_demo.jsonl.gz"
NOW = "2026-11-26T00:00:00.000000+00:00"


@pytest.fixture(scope="module")
def pgserver_admin() -> Iterator[str]:
    """A throwaway PostgreSQL with pgvector from the `pgserver` wheel (nothing is
    downloaded); its admin URL. As root, pgserver runs the server as a system user
    `pgserver` that it creates (initdb refuses root) and opens the folders above its data
    to it, so the data lives in a folder of its own under /tmp, not in pytest's private one."""
    pgserver = pytest.importorskip("pgserver")
    folder = Path(tempfile.mkdtemp(prefix="paperwire-pgserver-"))
    try:
        server = pgserver.get_server(folder / "data", cleanup_mode="delete")
    except Exception as exc:  # noqa: BLE001 - say why, do not hide the suite
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"pgserver could not start PostgreSQL: {type(exc).__name__}: {exc}")
    try:
        yield server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def new_database(admin_url: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"paperwire_vec_{secrets.token_hex(3)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def pgserver_url(pgserver_admin: str) -> str:
    url = new_database(pgserver_admin)
    Database(url).upgrade()
    return url


@pytest.fixture
def vdb(pgserver_url: str) -> Iterator[Database]:
    """The pgvector database, emptied."""
    db = Database(pgserver_url)
    with db.write() as connection:
        connection.execute(text("TRUNCATE papers, paper_embeddings, paper_categories, "
                                "day_listings RESTART IDENTITY CASCADE"))
    STATES.clear()
    INDEXES.clear()
    yield db
    db.dispose()
    STATES.clear()


def demo_papers(count: int = 40) -> list:
    with gzip.open(DEMO, "rt") as lines:
        return [record_from_flat(json.loads(line)) for line, _ in zip(lines, range(count))]


def in_process(config):  # noqa: ANN001, ANN201
    return load_config({"data_dir": str(config.data_path),
                        "search_vector_backend": "in-process"}, environ={})


def ids(results) -> list[str]:  # noqa: ANN001
    return [hit.id for hit in results.hits]


@pytest.fixture
def embedded(vdb: Database, config) -> Database:  # noqa: ANN001
    load(vdb, demo_papers() + CORPUS)
    embed_missing(vdb, embedder_for(config), batch_size=16)
    return vdb


def test_migration_builds_the_generated_column_and_hnsw_index(embedded: Database) -> None:
    with embedded.read() as connection:
        state = storage.state(connection)
        assert state.ready and state.version, state
        rows = connection.execute(text("SELECT vector, embedding::text AS e "
                                       "FROM paper_embeddings")).all()
    assert len(rows) == 46
    for row in rows:  # the generated column is the bytea vector, exactly
        stored = np.frombuffer(bytes(row.vector), dtype="<f4")
        decoded = np.array(json.loads(row.e), dtype=np.float32)
        assert np.array_equal(stored, decoded)


QUERIES = ["marsupial animals in Australia", "large language model reasoning",
           "robot learns to walk", "video generation with diffusion", "speech to text"]


def test_same_answers_as_the_in_process_index(embedded: Database, config) -> None:  # noqa: ANN001
    assert pgvector_for(embedded, config) is not None
    requests = [SearchRequest(query, mode=mode, limit=10)
                for query in QUERIES for mode in ("semantic", "hybrid")]
    papers = ["2503.00004", "2503.00002", demo_papers(1)[0].arxiv_id]
    inside = [search(embedded, request, config) for request in requests]
    near = [similar(embedded, paper_id, 8, config) for paper_id in papers]
    assert not INDEXES._indexes, "the in-process index was built"
    local = in_process(config)
    outside = [search(embedded, request, local) for request in requests]
    for request, ours, theirs in zip(requests, inside, outside):
        assert ids(ours) == ids(theirs) and ours.hits, request
        assert [h.score for h in ours.hits] == pytest.approx([h.score for h in theirs.hits],
                                                             abs=1e-5)
    for paper_id, ours in zip(papers, near):
        theirs = similar(embedded, paper_id, 8, local)
        assert [h.id for h in ours] == [h.id for h in theirs] and len(ours) == 8
    INDEXES.clear()


def test_filters_apply_inside_the_query(embedded: Database, config) -> None:  # noqa: ANN001
    for request in (SearchRequest("robot walking", mode="semantic", limit=3,
                                  since=date(2025, 1, 1)),
                    SearchRequest("robot walking", mode="semantic", until=date(2025, 12, 31)),
                    SearchRequest("animals", mode="semantic", categories=["q-bio.PE"]),
                    SearchRequest("anything author:hopper", mode="hybrid")):
        inside = search(embedded, request, config)
        outside = search(embedded, request, in_process(config))
        assert ids(inside) == ids(outside) and inside.hits, request
    assert "2503.00003" not in ids(search(embedded, SearchRequest(
        "robot walking", mode="semantic", limit=3, since=date(2025, 1, 1)), config))
    INDEXES.clear()


def _dates(db: Database) -> tuple[dict, dict]:
    with db.read() as connection:
        papers = dict(connection.execute(text("SELECT id, published_at FROM papers")).all())
        vectors = dict(connection.execute(text(
            "SELECT paper_id, published_at FROM paper_embeddings")).all())
    return papers, vectors


def test_vectors_carry_their_papers_date_and_follow_it(embedded: Database, config) -> None:  # noqa: ANN001
    """Date filters run on paper_embeddings.published_at (no join per HNSW candidate): it
    is the paper's date on every row, and follows a changed date at once."""
    papers, vectors = _dates(embedded)
    assert vectors and all(vectors[i] == papers[i] for i in vectors)
    request = SearchRequest("marsupial animals in Australia", mode="semantic", limit=5,
                            since=date(2030, 1, 1))
    assert ids(search(embedded, request, config)) == []
    with embedded.write() as connection:
        connection.execute(text("UPDATE papers SET published_at = '2030-02-01T00:00:00+00:00' "
                                "WHERE id = '2503.00004'"))
    assert _dates(embedded)[1]["2503.00004"] == "2030-02-01T00:00:00+00:00"
    assert ids(search(embedded, request, config)) == ["2503.00004"]


def test_date_filters_answer_the_same_with_and_without_the_join(embedded: Database,
                                                                config) -> None:  # noqa: ANN001
    dated = pgvector_for(embedded, config)
    assert dated is not None and dated.dated
    joined = PgVectorIndex(embedded, dated.model, dated.iterative_scan, dated=False)
    for query in QUERIES:
        vector = embedder_for(config).encode([query])[0]
        for filters in (Filters(since=date(2025, 1, 1)), Filters(until=date(2025, 3, 1)),
                        Filters(since=date(2025, 2, 1), until=date(2025, 3, 31)),
                        Filters(since=date(2025, 1, 1), categories=["cs.CL"])):
            assert dated.search(vector, 10, filters) == joined.search(vector, 10, filters)


def test_an_older_install_gains_the_date_column_on_upgrade(embedded: Database) -> None:
    with embedded.write() as connection:
        storage.drop_publication_day(connection)
        assert not storage.state(connection).dated
    embedded.upgrade()
    with embedded.read() as connection:
        assert storage.state(connection).dated
    papers, vectors = _dates(embedded)
    assert len(vectors) == 46 and all(vectors[i] == papers[i] for i in vectors)


def synthetic(db: Database, model: str, count: int, seed: int = 3) -> np.ndarray:
    """`count` papers with clustered unit vectors; every 50th is in category rare.x."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(20, 384))
    vectors = centres[rng.integers(0, 20, count)] + rng.normal(scale=0.6, size=(count, 384))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    papers = [(f"syn:{i:05d}", f"Synthetic {i}", "", '["Synthetic Author"]',
               "rare.x" if i % 50 == 0 else "cs.LG", f"202{(i // 50) % 5}-01-01T00:00:00Z", NOW, NOW)
              for i in range(count)]
    with db.write() as connection:
        insert_rows(connection, "papers", ("id", "title", "abstract", "authors", "categories",
                                           "published_at", "first_seen_at", "changed_at"),
                    papers)
        insert_rows(connection, "paper_categories", ("category", "paper_id", "is_primary"),
                    [(p[4], p[0], True) for p in papers])
        insert_rows(connection, "paper_embeddings", ("model", "paper_id", "vector", "text_hash",
                                                     "paper_changed_at", "embedded_at"),
                    [(model, p[0], to_blob(v), "-", NOW, NOW) for p, v in zip(papers, vectors)])
    with db.write() as connection:  # the planner's statistics, as autovacuum would make them
        connection.execute(text("ANALYZE papers, paper_categories, paper_embeddings"))
    return vectors


def test_a_filtered_search_returns_k_when_k_match(vdb: Database, config) -> None:  # noqa: ANN001
    """2% of 3000 papers pass the filter: an HNSW walk of ef_search candidates finds too
    few of them, and the answer must still be the exact top-k among them."""
    model = embedder_for(config).key
    vectors = synthetic(vdb, model, 3000)
    index = pgvector_for(vdb, config)
    assert isinstance(index, PgVectorIndex)
    rare = np.arange(0, 3000, 50)
    rng = np.random.default_rng(9)
    for _ in range(5):
        query = vectors[rng.integers(3000)]
        exact = [f"syn:{i:05d}" for i in rare[np.argsort(-(vectors[rare] @ query),
                                                         kind="stable")][:40]]
        found = index.search(query, 40, Filters(categories=["rare.x"]))
        assert [i for i, _ in found] == exact
        both = index.search(query, 40, Filters(since=date(2023, 1, 1),
                                               categories=["rare.x"]))
        assert len(both) == 24  # all that match: fewer than k
    # the same through search(): the query embedded by the real model
    results = search(vdb, SearchRequest("anything at all", mode="semantic", limit=50,
                                        categories=["rare.x"]), config)
    query = embedder_for(config).encode(["anything at all"])[0]
    order = rare[np.argsort(-(vectors[rare] @ query), kind="stable")]
    assert ids(results) == [f"syn:{i:05d}" for i in order[:50]]
    # unfiltered: HNSW, close to exact
    found = {i for i, _ in index.search(query, 10)}
    truth = {f"syn:{i:05d}" for i in np.argsort(-(vectors @ query))[:10]}
    assert len(found & truth) >= 9


def test_a_wide_filter_walks_the_graph_further(vdb: Database, config) -> None:  # noqa: ANN001
    """A fifth of the papers pass. Where the planner keeps the HNSW index (pgvector 0.6
    does here), a walk of ef_search candidates, then the filter, comes back short; the
    search goes on to k."""
    model = embedder_for(config).key
    vectors = synthetic(vdb, model, 3000)
    query = vectors[7]
    recent = np.array([i for i in range(3000) if (i // 50) % 5 == 4])  # published 2024
    plain = ("SELECT e.paper_id FROM paper_embeddings e JOIN papers p ON p.id = e.paper_id "
             "WHERE p.published_at >= '2024-01-01' ORDER BY e.embedding <#> CAST(:q AS vector) "
             "LIMIT 100")
    with vdb.read() as connection:
        plan = "\n".join(connection.execute(text("EXPLAIN " + plain),
                                            {"q": vector_literal(query)}).scalars())
        if storage.INDEX_NAME in plan and not storage.state(connection).iterative_scan:
            assert len(connection.execute(text(plain), {"q": vector_literal(query)}).all()) < 100
    found = pgvector_for(vdb, config).search(query, 100, Filters(since=date(2024, 1, 1)))
    exact = {f"syn:{i:05d}" for i in recent[np.argsort(-(vectors[recent] @ query))[:100]]}
    assert len(found) == 100 and len({i for i, _ in found} & exact) >= 90


def test_a_new_vector_is_found_at_once_through_another_database(vdb: Database,
                                                                  config) -> None:  # noqa: ANN001
    load(vdb, CORPUS)
    embed_missing(vdb, embedder_for(config))
    other = Database(vdb.url)  # another handle: its own pool, its own connections
    try:
        query = SearchRequest("marsupial animals in Australia", mode="semantic", limit=3)
        assert ids(search(other, query, config))[0] == "2503.00004"
        load(vdb, [paper(7, "Counting kangaroos and wallabies in Australia",
                         "Marsupial populations surveyed from the air.")])
        embed_missing(vdb, embedder_for(config))
        assert "2503.00007" in ids(search(other, query, config))  # no refresh interval
    finally:
        other.dispose()


def test_vectors_of_another_model_are_never_returned(vdb: Database, config) -> None:  # noqa: ANN001
    load(vdb, CORPUS + [paper(8, "Only the other model has this one")])
    embedder = embedder_for(config)
    embed_missing(vdb, embedder)
    query = embedder.encode(["marsupial animals in Australia"])[0]
    with vdb.write() as connection:  # the other model: the query itself, for every paper
        connection.execute(text("DELETE FROM paper_embeddings WHERE paper_id = '2503.00008'"))
        insert_rows(connection, "paper_embeddings", ("model", "paper_id", "vector", "text_hash",
                                                     "paper_changed_at", "embedded_at"),
                    [("other-model@1", f"2503.{n:05d}", to_blob(query), "-", NOW, NOW)
                     for n in (1, 2, 3, 4, 5, 6, 8)])
    results = search(vdb, SearchRequest("marsupial animals in Australia", mode="semantic",
                                        limit=20), config)
    assert "2503.00008" not in ids(results) and len(results.hits) == 6
    assert all(h.score < 0.99 for h in results.hits)  # the other model's would score 1.0
    assert "2503.00008" not in [h.id for h in similar(vdb, "2503.00004", 20, config)]


def test_the_in_process_index_answers_without_the_extension(db: Database, config,
                                                             caplog) -> None:  # noqa: ANN001
    """The plain PostgreSQL of PAPERWIRE_TEST_PG_URL has no pgvector (and SQLite none)."""
    with db.read() as connection:
        state = storage.state(connection)
    assert not state.ready and state.reason
    assert storage.ensure_pgvector(db) == state  # nothing to build, nothing fails
    STATES.clear()
    assert pgvector_for(db, config) is None
    forced = load_config({"data_dir": str(config.data_path),
                          "search_vector_backend": "pgvector"}, environ={})
    with caplog.at_level(logging.INFO, logger="paperwire.search"):
        assert pgvector_for(db, forced) is None
    if not db.is_sqlite:
        assert "pgvector was asked for but" in caplog.text
    load(db, CORPUS)
    embed_missing(db, embedder_for(config))
    results = search(db, SearchRequest("marsupial animals in Australia", mode="semantic"),
                     forced)
    assert ids(results)[0] == "2503.00004" and INDEXES._indexes  # the in-process index
    STATES.clear()


def test_db_current_says_where_semantic_search_runs(pgserver_url: str,
                                                    cli_env: dict[str, str]) -> None:
    env = {**cli_env, "PAPERWIRE_DATABASE_URL": pgserver_url}
    result = run_cli("db", "current", "--json", env=env, check=True)
    assert json.loads(result.stdout)["semantic_search"].startswith("pgvector ")
    env["PAPERWIRE_SEARCH_VECTOR_BACKEND"] = "in-process"
    result = run_cli("db", "current", env=env, check=True)
    assert "semantic search: the in-process index" in result.stdout
    env["PAPERWIRE_SEARCH_VECTOR_BACKEND"] = "faiss"
    assert run_cli("db", "current", env=env).returncode != 0


def test_downgrade_removes_it_and_upgrade_brings_it_back(vdb: Database) -> None:
    with vdb.write() as connection:
        storage.uninstall(connection)
        assert not storage.state(connection).ready and not storage.state(connection).dated
    assert storage.ensure_pgvector(vdb).ready and storage.ensure_pgvector(vdb).dated
    with vdb.read() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM pg_indexes WHERE indexname = "
                                       ":n"), {"n": storage.INDEX_NAME}).scalar_one() == 1



def test_db_copy_into_pgvector_regenerates_the_column(sqlite_db: Database, pgserver_admin: str,
                                                       config) -> None:  # noqa: ANN001
    from paperwire.store.copy import copy_database
    load(sqlite_db, CORPUS)
    embed_missing(sqlite_db, embedder_for(config))
    target = Database(new_database(pgserver_admin))
    try:
        report = copy_database(sqlite_db, target)
        assert all(t.source_checksum == t.target_checksum for t in report.tables)
        with target.read() as connection:
            assert storage.state(connection).ready
            assert connection.execute(text("SELECT COUNT(embedding) FROM paper_embeddings")
                                      ).scalar_one() == 6
        STATES.clear()
        results = search(target, SearchRequest("marsupial animals in Australia",
                                               mode="semantic"), config)
        assert ids(results)[0] == "2503.00004" and not INDEXES._indexes
    finally:
        target.dispose()
        STATES.clear()
