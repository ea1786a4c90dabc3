"""The in-process word index: the same terms and the same bm25 as FTS5, filters before the
top-k, papers imported or changed after the build, the background build, and fusion."""

from __future__ import annotations

import logging
import sqlite3
import time
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from paperwire.search import SearchRequest, search
from paperwire.search import word_index as word_index_module
from paperwire.config import load_config
from paperwire.search import api
from paperwire.search.api import fuse, fuse_ranks
from paperwire.search.fts import FTS_TOKENIZER, fts5_expression
from paperwire.search.query import parse_query
from paperwire.search.word_index import (
    WORD_INDEXES, WordIndex, WordIndexCache, _paper_estimate, paper_rows,
)
from paperwire.search.words import terms
from paperwire.web.metrics import SearchIndexCollector

from .conftest import CORPUS, load, paper

SAMPLES = ["Grokking topology: méthodologie of Transformers", "3D-aware U-Net, 2x faster!",
           "İstanbul ŞEHİR straße naïve café", "Self-Improving Pretraining (v2)", "日本語の論文",
           "flexibly technology methodology running runs ran", "x" * 70, "a an the of it"]


def fts5_terms(value: str) -> list[str]:
    connection = sqlite3.connect(":memory:")
    connection.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize='{FTS_TOKENIZER}')")
    connection.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    connection.execute("INSERT INTO t(x) VALUES (?)", (value,))
    return [row[0] for row in connection.execute("SELECT term FROM v ORDER BY offset")]


@pytest.mark.parametrize("value", SAMPLES)
def test_terms_are_fts5s_terms(value: str) -> None:
    assert terms(value) == fts5_terms(value)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcdefgiklmnorstuyzéüİßIŞ\u0301\u0307ǅ²٣0123 -_.,'\"()/"), max_size=80))
def test_terms_are_fts5s_terms_for_any_text(value: str) -> None:
    assert terms(value) == fts5_terms(value)


BIG = [paper(n, f"{w} study {n}", f"{w} and {'lemur ' * (n % 5)} more words {n % 7}",
             authors=[f"Author {n % 4}"], categories=["cs.AI" if n % 3 else "cs.CL"],
             published=f"2025-0{1 + n % 9}-01T00:00:00Z")
       for n, w in enumerate(["lemur", "tarsier", "loris", "galago", "lemur lemur"] * 12, 1)]


def test_scores_equal_fts5_bm25(sqlite_db) -> None:
    load(sqlite_db, BIG)
    index = WordIndex.build(paper_rows(sqlite_db))
    for query in ("lemur", "tarsier study", "loris more words", "author 3 galago", "nothing"):
        parsed = parse_query(query)
        with sqlite_db.read() as connection:
            expected = connection.execute(text(
                "SELECT p.id, -bm25(papers_fts, 4.0, 1.0, 0.5) AS s FROM papers_fts "
                "JOIN papers p ON p.rowid = papers_fts.rowid WHERE papers_fts MATCH :m "
                "ORDER BY s DESC, p.id LIMIT 20"), {"m": fts5_expression(parsed)}).all()
        found = index.search(parsed.ranked_words(), 20)
        assert [round(s, 4) for _, s in found] == [round(r.s, 4) for r in expected], query
        assert {i for i, _ in found} == {r.id for r in expected} or len(expected) == 20


def with_word_index(config):  # noqa: ANN001, ANN201
    return load_config({"data_dir": str(config.data_path), "search_word_index_min": 1},
                       environ={})


@pytest.fixture
def indexed(db, config):  # noqa: ANN001, ANN201
    """Search through the word index (threshold 1: at any size), built before the test."""
    WORD_INDEXES.clear()
    load(db, CORPUS)
    assert WORD_INDEXES.wait(db, 1) is not None
    yield db, with_word_index(config)
    WORD_INDEXES.clear()


def text_ids(db, config, query: str, **kwargs) -> list[str]:  # noqa: ANN001, ANN003
    return [h.id for h in search(db, SearchRequest(query, mode="text", **kwargs), config).hits]


def test_search_reads_the_word_index(indexed, monkeypatch) -> None:  # noqa: ANN001
    db, config = indexed
    assert text_ids(db, config, "convolutional")[:2] == ["2503.00001", "2503.00005"]
    assert "2503.00001" in text_ids(db, config, "convolution")  # stemmed
    assert text_ids(db, config, "hopper") == ["2503.00003"]
    assert text_ids(db, config, "robot", since=date(2024, 6, 2)) == []
    assert text_ids(db, config, "robot cat:cs.RO") == ["2503.00003"]
    assert text_ids(db, config, '"protein structure"') == ["2503.00002"]  # phrases: the database
    family = next(iter(SearchIndexCollector(db).collect()))  # what /metrics reports
    assert {s.labels["index"]: s.value for s in family.samples}["words"] == len(CORPUS)
    # The database's keyword search is not asked (but for the phrase query above).
    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("the database's keyword search was used")
    monkeypatch.setattr(api, "keyword_search", refuse)
    assert text_ids(db, config, "quokka robot")[0] in {"2503.00003", "2503.00004"}


def test_new_and_changed_papers_are_found_after_the_build(indexed, monkeypatch) -> None:  # noqa: ANN001
    db, config = indexed
    monkeypatch.setattr(word_index_module, "REFRESH_SECONDS", 0.0)
    load(db, [paper(4, "Wombat population dynamics", "Marsupials counted yearly.",
                    authors=["Charles Darwin"], categories=["q-bio.PE"]),
              paper(7, "Numbat burrows", "Termites for dinner.")])
    assert text_ids(db, config, "wombat") == ["2503.00004"]
    assert text_ids(db, config, "quokka") == []  # the old version is masked out
    assert text_ids(db, config, "numbat termites") == ["2503.00007"]
    index = WORD_INDEXES.get(db, 1)
    assert index.delta_papers == 2 and len(index) == len(CORPUS) + 2


def test_filters_apply_before_the_top_k_past_the_depth(db, config, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(word_index_module, "DEPTH", 3)
    monkeypatch.setattr(word_index_module, "CHUNK", 2)
    WORD_INDEXES.clear()
    papers = [paper(n, f"Lemur study {n}", "lemur lemur lemur", categories=["cs.AI"])
              for n in range(1, 61)]
    papers += [paper(n, f"Lemur note {n}", "a lemur", categories=["cs.CL"],
                     published="2020-01-01T00:00:00Z") for n in range(61, 64)]
    # lemurs in under half the papers: bm25 weighs the word, every posting is kept
    papers += [paper(n, f"Aye-aye note {n}", "no such primate") for n in range(64, 130)]
    load(db, papers)
    small = with_word_index(config)
    assert WORD_INDEXES.wait(db, 1) is not None
    try:
        found = text_ids(db, small, "lemur", limit=5, categories=["cs.CL"])
        assert sorted(found) == [f"2503.{n:05d}" for n in range(61, 64)]
        found = text_ids(db, small, "lemur", limit=5, until=date(2020, 12, 31))
        assert sorted(found) == [f"2503.{n:05d}" for n in range(61, 64)]
    finally:
        WORD_INDEXES.clear()


def test_small_databases_use_their_own_keyword_search(corpus_db, config) -> None:  # noqa: ANN001
    WORD_INDEXES.clear()
    assert WORD_INDEXES.get(corpus_db, config.search_word_index_min) is None
    assert not WORD_INDEXES._entries[corpus_db.url]["building"]  # below the threshold
    assert text_ids(corpus_db, config, "quokka") == ["2503.00004"]
    WORD_INDEXES.clear()


# --- fusion -----------------------------------------------------------------------------
def test_convex_fusion_weighs_normalised_scores() -> None:
    keyword = [("a", 9.0), ("b", 5.0), ("c", 1.0)]
    semantic = [("c", 0.9), ("d", 0.8), ("a", 0.1)]
    fused = fuse(keyword, semantic, 0.5)
    assert [i for i, _, _ in fused] == ["a", "c", "d", "b"]  # 0.5, 0.5, 0.44, 0.25
    assert fused[0][1] == pytest.approx(0.5)  # 1.0 words, 0.0 meaning
    assert [i for i, _, _ in fuse(keyword, semantic, 1.0)][:3] == ["a", "b", "c"]
    assert [i for i, _, _ in fuse(keyword, semantic, 0.0)][:2] == ["c", "d"]
    assert fused[1][2] == ["matches the words (rank 3)", "close in meaning (similarity 0.90)"]
    assert [i for i, _, _ in fuse_ranks(keyword, semantic, 60)][0] in {"a", "c"}


rankings = st.lists(st.tuples(st.sampled_from("abcdefgh"), st.floats(-50, 50)),
                    max_size=8, unique_by=lambda pair: pair[0])


@settings(max_examples=200, deadline=None)
@given(rankings, rankings, st.floats(0, 1))
def test_fusion_keeps_every_paper_once_best_first(keyword, semantic, weight) -> None:  # noqa: ANN001
    fused = fuse(keyword, semantic, weight)
    ids = [i for i, _, _ in fused]
    assert sorted(ids) == sorted({i for i, _ in keyword} | {i for i, _ in semantic})
    scores = [s for _, s, _ in fused]
    assert scores == sorted(scores, reverse=True)
    assert all(-1e-9 <= s <= 1 + 1e-9 for s in scores)
    top_words = max(keyword, key=lambda p: p[1])[0] if keyword else None
    if top_words and semantic and top_words == max(semantic, key=lambda p: p[1])[0]:
        assert fused[0][1] == pytest.approx(1.0)  # first in both: first here


def test_words_in_most_papers_keep_only_their_best_postings(sqlite_db, monkeypatch) -> None:  # noqa: ANN001
    """bm25 gives a word in half the papers or more (almost) no weight: only its best
    postings are stored, the other words' lists are whole, and scores stay FTS5's."""
    monkeypatch.setattr(word_index_module, "WEIGHTLESS_KEPT", 5)
    load(sqlite_db, BIG)
    index = WordIndex.build(paper_rows(sqlite_db))
    stored = np.diff(index.offsets)
    frequency = index.document_frequency
    common = frequency >= len(BIG) / 2
    assert common.any() and (~common).any()
    assert (stored[common] == np.minimum(frequency[common], 5)).all()
    assert (stored[~common] == frequency[~common]).all()
    found = index.search(["tarsier"], 3)
    assert len(found) == 3 and all(i.startswith("2503.") for i, _ in found)


def test_one_shot_commands_never_start_a_build(corpus_db) -> None:  # noqa: ANN001
    cache = WordIndexCache()  # as a `paperwire search` process has it: no web app made
    assert cache.get(corpus_db, 1) is None and not cache._entries[corpus_db.url]["building"]
    cache.allow_builds()  # what `serve` does
    assert cache.wait(corpus_db, 1) is not None


def test_a_saved_index_is_shared_and_a_damaged_one_rebuilt(db, config, caplog) -> None:  # noqa: ANN001
    """The first build is saved under data_dir/search/; another process loads it (memory-
    mapped) and takes in what changed since; a damaged copy is rebuilt, with a log line."""
    load(db, CORPUS)
    first = WordIndexCache()
    built = first.wait(db, 1, cache_dir=config.data_path)
    folder = first._entries[db.url]["folder"]
    assert (folder / "postings.npy").exists() and (folder / "meta.json").exists()
    load(db, [paper(7, "Numbat burrows", "Termites for dinner.")])
    second = WordIndexCache()
    with caplog.at_level(logging.INFO, logger="paperwire.search"):
        loaded = second.wait(db, 1, cache_dir=config.data_path)
    assert "loaded from" in caplog.text
    assert isinstance(loaded.postings, np.memmap)
    for words in (["convolutional"], ["robot", "hopper"], ["numbat"]):
        expected = built.search(words, 5) if words != ["numbat"] else [("2503.00007", None)]
        assert [i for i, _ in loaded.search(words, 5)] == [i for i, _ in expected]
    (folder / "meta.json").write_bytes(b"{broken")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="paperwire.search"):
        rebuilt = WordIndexCache().wait(db, 1, cache_dir=config.data_path)
    assert "rebuilding it from the database" in caplog.text
    assert [i for i, _ in rebuilt.search(["numbat"], 5)] == ["2503.00007"]


def test_a_process_that_may_not_build_reloads_newer_saves_only(db, config, caplog,
                                                                 monkeypatch) -> None:  # noqa: ANN001
    """With search_word_index_builder = command a web process never builds, not even when
    its delta grows past the rebuild share: it warns once, and takes in the next save
    that `paperwire word-index` writes."""
    from paperwire.search.word_index import build_and_save

    load(db, CORPUS)
    build_and_save(db, config.data_path)
    real_build = WordIndex.build

    def no_build(rows):  # noqa: ANN001, ANN202
        raise AssertionError("a process with build=False built the word index")

    monkeypatch.setattr(WordIndex, "build", no_build)
    cache = WordIndexCache()
    first = cache.wait(db, 1, cache_dir=config.data_path, build=False)
    assert first is not None and first.delta_papers == 0
    load(db, [paper(n, f"Bilby colony {n}", "Desert marsupials.") for n in range(100, 1111)])
    with caplog.at_level(logging.WARNING, logger="paperwire.search"):
        same = cache.get(db, 1, refresh_seconds=0, cache_dir=config.data_path, build=False)
    assert same is first and first.needs_rebuild and "run it again" in caplog.text
    assert not cache._entries[db.url]["building"]
    monkeypatch.setattr(WordIndex, "build", real_build)
    build_and_save(db, config.data_path)  # the operator's command
    monkeypatch.setattr(WordIndex, "build", no_build)
    deadline = time.monotonic() + 30
    fresh = first
    while fresh is first and time.monotonic() < deadline:
        fresh = cache.get(db, 1, refresh_seconds=0, cache_dir=config.data_path, build=False)
        time.sleep(0.05)
    assert fresh is not first and fresh.delta_papers == 0
    assert len(fresh) == len(CORPUS) + 1011
    assert [i for i, _ in fresh.search(["bilby"], 3)]


def test_the_size_check_needs_no_count(corpus_db) -> None:  # noqa: ANN001
    """From MAX(rowid) or PostgreSQL's live-row statistics (kept before any ANALYZE)."""
    deadline = time.monotonic() + 10
    while _paper_estimate(corpus_db) < len(CORPUS) and time.monotonic() < deadline:
        time.sleep(0.2)  # PostgreSQL publishes its statistics within a second or so
    assert _paper_estimate(corpus_db) >= len(CORPUS)


def test_a_saved_index_copied_to_another_machine_is_found_there(tmp_path, config) -> None:  # noqa: ANN001
    """Saved indexes are named by the database's id, not its URL: another machine reaches
    the same database by another URL (here: through a symlinked folder) and finds the copy
    of the folder without building."""
    import shutil

    from paperwire.search.word_index import build_and_save
    from paperwire.store import Database

    (tmp_path / "db").mkdir()
    (tmp_path / "elsewhere").symlink_to(tmp_path / "db", target_is_directory=True)
    here = Database(f"sqlite:///{tmp_path / 'db' / 'papers.db'}")
    here.upgrade()
    load(here, CORPUS)
    _, folder = build_and_save(here, tmp_path / "machine-a")
    there = Database(f"sqlite:///{tmp_path / 'elsewhere' / 'papers.db'}")
    assert there.url != here.url
    shutil.copytree(tmp_path / "machine-a" / "search", tmp_path / "machine-b" / "search")
    found = WordIndexCache().wait(there, 1, cache_dir=tmp_path / "machine-b", build=False)
    assert found is not None and [i for i, _ in found.search(["quokka"], 3)] == ["2503.00004"]
    assert WordIndexCache().wait(there, 1, cache_dir=tmp_path / "machine-c", build=False) is None
    here.dispose()
    there.dispose()


def test_reading_the_database_id_never_writes(tmp_path) -> None:  # noqa: ANN001
    """An emptied `instance` table: the id falls back to the URL's (no write from a GET's
    search); `paperwire db upgrade` gives the database a new id."""
    from paperwire.store import Database
    from paperwire.store.instance import instance_id

    db = Database(f"sqlite:///{tmp_path / 'papers.db'}")
    db.upgrade()
    made = instance_id(db)
    assert len(made) == 32 and instance_id(db) == made
    with db.write() as connection:
        connection.execute(text("DELETE FROM instance"))
    assert instance_id(db).startswith("url-") and instance_id(db) == instance_id(db)
    with db.read() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM instance")).scalar_one() == 0
    db.upgrade()
    assert not instance_id(db).startswith("url-") and instance_id(db) != made
    db.dispose()
