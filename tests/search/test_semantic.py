"""Embeddings and semantic / hybrid search on both databases, with the real model."""

from __future__ import annotations

import logging
import threading
from datetime import date

import numpy as np
import pytest
from sqlalchemy import text

from paperwire.embed.model import Embedder
from paperwire.embed.runner import embed_missing
from paperwire.search import SearchRequest, UnknownPaper, search, similar, text_similarities
from paperwire.search.semantic import embedder_for, index_for
from paperwire.search.vectors import INDEXES, VectorIndex, sync
from paperwire.store.embeddings import count_embedded, count_pending, watermark

from .conftest import load, paper
from .test_keyword import HOSTILE


def ids(results) -> list[str]:  # noqa: ANN001
    return [h.id for h in results.hits]


@pytest.fixture
def embedded(corpus_db, config):  # noqa: ANN001, ANN201
    embed_missing(corpus_db, embedder_for(config), batch_size=4)
    return corpus_db


def test_meaning_finds_papers_without_shared_words(embedded, config) -> None:
    results = search(embedded, SearchRequest("marsupial animals in Australia", mode="semantic"),
                     config)
    assert results.mode == "semantic" and ids(results)[0] == "2503.00004"
    assert any("close in meaning" in r for r in results.hits[0].reasons)
    found = search(embedded, SearchRequest("transcribing what people say", mode="semantic"),
                   config)
    assert ids(found)[0] == "2503.00006"


def test_hybrid_fuses_both_and_filters_first(embedded, config) -> None:
    results = search(embedded, SearchRequest("robot walking", mode="hybrid"), config)
    assert results.mode == "hybrid" and ids(results)[0] == "2503.00003"
    assert any("matches the words" in r for r in results.hits[0].reasons)
    assert any("close in meaning" in r for r in results.hits[0].reasons)
    for mode in ("semantic", "hybrid"):
        filtered = search(embedded, SearchRequest("robot walking", mode=mode, limit=3,
                                                  since=date(2025, 1, 1)), config)
        assert "2503.00003" not in ids(filtered) and len(filtered.hits) == 3
        only = search(embedded, SearchRequest("robot walking", mode=mode,
                                              categories=["q-bio.PE"]), config)
        assert ids(only) == ["2503.00004"]
        author = search(embedded, SearchRequest("anything author:hopper", mode=mode), config)
        assert ids(author) == ["2503.00003"]


@pytest.mark.parametrize("query", HOSTILE[::3])
def test_hostile_queries_in_semantic_mode(embedded, config, query: str) -> None:
    try:
        results = search(embedded, SearchRequest(query, mode="semantic"), config)
    except ValueError:  # EmptyQuery only
        return
    assert isinstance(results.hits, list)


def test_embedding_is_resumable_and_follows_changes(corpus_db, config) -> None:
    embedder = embedder_for(config)
    first = embed_missing(corpus_db, embedder, batch_size=2, limit=3)
    assert first.embedded == 3
    with corpus_db.read() as connection:
        assert count_pending(connection, embedder.key) == 3
    stop = threading.Event()
    stop.set()
    assert embed_missing(corpus_db, embedder, stop=stop).embedded == 0
    assert embed_missing(corpus_db, embedder).embedded == 3
    assert embed_missing(corpus_db, embedder).embedded == 0
    # a changed abstract is embedded again; a change elsewhere only re-checks
    load(corpus_db, [paper(4, "Quokka population dynamics", "Small wallabies on an island.",
                           authors=["Charles Darwin"], categories=["q-bio.PE"])],
         clock=lambda: "2099-01-01T00:00:00Z")
    report = embed_missing(corpus_db, embedder)
    assert (report.embedded, report.unchanged) == (1, 0)


def test_a_new_model_re_embeds_and_never_mixes(embedded, config) -> None:
    onnx = embedder_for(config)
    reference = Embedder("torch")
    assert reference.key != onnx.key
    assert len({onnx.key, Embedder("onnx-int8", max_tokens=128).key, reference.key}) == 3
    with embedded.read() as connection:
        assert count_pending(connection, reference.key) == 6
    INDEXES.clear()
    index = INDEXES.get(embedded, reference.key, cache_dir=None, exact_max=1000)
    assert len(index) == 0  # nothing of the other model is read
    report = embed_missing(embedded, reference)
    assert report.embedded == 6 and report.pruned == 6
    with embedded.read() as connection:
        assert count_embedded(connection, onnx.key) == 0
    # the two runtimes agree closely on the same text
    text = "Reinforcement learning for robot locomotion"
    assert float(onnx.encode([text])[0] @ reference.encode([text])[0]) > 0.9


def test_similar_papers_and_unknown_ids(embedded, config) -> None:
    hits = similar(embedded, "2503.00001", 3, config)
    assert len(hits) == 3 and "2503.00001" not in [h.id for h in hits]
    assert all(-1.0 <= h.score <= 1.0 for h in hits)
    with pytest.raises(UnknownPaper):
        similar(embedded, "9999.99999", 3, config)


def test_text_similarities_for_the_digest(embedded, config) -> None:
    scores = text_similarities(embedded, config, "deep learning for computer vision",
                               ["2503.00001", "2503.00004", "9999.99999"])
    assert set(scores) == {"2503.00001", "2503.00004"}
    assert scores["2503.00001"] > scores["2503.00004"]
    assert all(-1.0 <= s <= 1.0 for s in scores.values())
    assert text_similarities(embedded, config, "anything", []) == {}


def test_ann_index_matches_exact_and_survives_a_corrupt_cache(tmp_path, caplog) -> None:
    rng = np.random.default_rng(7)
    # clustered, as embeddings of papers are (uniform random vectors have no neighbours)
    centres = rng.normal(size=(40, 384))
    vectors = (centres[rng.integers(0, 40, 3000)] + rng.normal(scale=0.6, size=(3000, 384)))
    vectors = vectors.astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    names = [f"p{i}" for i in range(3000)]
    days = np.arange(3000, dtype=np.int32) + 700000
    exact = VectorIndex("m", exact_max=10_000)
    exact.add(names, vectors, days)
    truth = dict(zip(names, vectors))
    ann = VectorIndex("m", exact_max=1000, cache_file=tmp_path / "v.faiss",
                      fetch=lambda wanted: {i: truth[i] for i in wanted})
    ann.add(names, vectors, days)
    assert ann.is_ann and not exact.is_ann
    queries = vectors[:50] + rng.normal(scale=0.02, size=(50, 384)).astype(np.float32)
    recall = np.mean([len({i for i, _ in exact.search(q, 10)} & {i for i, _ in ann.search(q, 10)})
                      / 10 for q in queries])
    assert recall >= 0.95
    allowed = days >= 700000 + 2900  # 100 papers: answered exactly
    assert [i for i, _ in ann.search(queries[0], 10, allowed)] == \
        [i for i, _ in exact.search(queries[0], 10, allowed)]
    wide = days >= 700000 + 1500
    assert len(ann.search(queries[0], 10, wide)) == 10
    ann.watermark = (3000, "t")
    ann.save()
    again = VectorIndex("m", exact_max=1000, cache_file=tmp_path / "v.faiss")
    assert again.load() and len(again) == 3000
    (tmp_path / "v.faiss").write_bytes(b"not an index")
    broken = VectorIndex("m", exact_max=1000, cache_file=tmp_path / "v.faiss")
    with caplog.at_level(logging.WARNING, logger="paperwire.search"):
        assert not broken.load()
    assert "rebuilding it from the database" in caplog.text


def test_a_corrupt_cache_file_is_rebuilt_from_the_database(embedded, config, caplog) -> None:
    small = config.__class__(values={**config.values, "search_exact_max": 2},
                             sources=config.sources)
    index = index_for(embedded, small)
    assert index.is_ann and index.cache_file.exists()
    before = ids(search(embedded, SearchRequest("marsupials", mode="semantic"), small))
    index.cache_file.write_bytes(b"\x00garbage")
    INDEXES.clear()
    with caplog.at_level(logging.INFO, logger="paperwire.search"):
        after = ids(search(embedded, SearchRequest("marsupials", mode="semantic"), small))
    assert "rebuilding it from the database" in caplog.text
    assert after == before and len(index_for(embedded, small)) == 6


def test_a_removed_vector_leaves_every_index(embedded, config) -> None:
    """A deleted vector is noticed from the removals table (a trigger), not by counting."""
    index = index_for(embedded, config)
    assert "2503.00004" in index.rows
    with embedded.read() as connection:
        before = watermark(connection, index.model)
    with embedded.write() as connection:
        connection.execute(text("DELETE FROM paper_embeddings WHERE paper_id = '2503.00004'"))
    with embedded.read() as connection:
        after = watermark(connection, index.model)
    assert after[0] > before[0] and after[1] == before[1]  # same latest vector, one removal
    sync(embedded, index)
    assert "2503.00004" not in index.rows and len(index) == 5
    assert index.watermark == after
