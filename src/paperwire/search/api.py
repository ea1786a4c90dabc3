"""The search contract that the CLI and the web app call.

Keyword search (FTS5 / tsvector, or the in-process word index for large databases),
semantic search (stored embeddings, an in-process vector index) and hybrid search (a convex
combination of the two rankings' normalised scores, or reciprocal rank fusion as a setting).
Filters apply before the top-k is taken, in both rankings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import orjson
from sqlalchemy import bindparam, text

from ..config import Config
from ..store import Database
from ..store import embeddings as stored
from ..store.papers import get_paper
from .filters import Filters
from .fts import keyword_search
from .query import ParsedQuery, parse_query
from .vectors import day_number
from .word_index import WORD_INDEXES

MODES = ("hybrid", "text", "semantic")
MAX_LIMIT = 100
MIN_DEPTH = 100  # each ranking's depth before fusion


class SearchError(ValueError):
    """A request that cannot be answered; the message says why, for the user."""


class EmptyQuery(SearchError):
    pass


class UnknownPaper(LookupError):
    pass


@dataclass
class SearchRequest:
    query: str
    mode: str = "hybrid"  # hybrid | text | semantic
    limit: int = 20
    offset: int = 0
    since: date | None = None  # published on or after
    until: date | None = None  # published on or before
    categories: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)


@dataclass
class SearchHit:
    id: str
    score: float
    title: str
    authors: list[str]
    categories: list[str]
    published: str | None
    reasons: list[str] = field(default_factory=list)  # why it matched, in words


@dataclass
class SearchResults:
    hits: list[SearchHit]
    mode: str  # the mode actually used
    total: int | None = None  # how many papers match, when known
    notes: list[str] = field(default_factory=list)  # e.g. "semantic search unavailable: ..."


def search(db: Database, request: SearchRequest, config: Config | None = None) -> SearchResults:
    if request.mode not in MODES:
        raise SearchError(f"unknown mode {request.mode!r} (choose from {', '.join(MODES)})")
    parsed = parse_query(request.query or "")
    filters = Filters(request.since, request.until,
                      list(dict.fromkeys(request.categories + parsed.categories)),
                      list(dict.fromkeys(request.authors + parsed.authors)))
    if not parsed.has_terms and not filters.any:
        raise EmptyQuery("type some words to search for")
    limit = max(0, min(request.limit, MAX_LIMIT))
    offset = max(0, request.offset)
    depth = max(MIN_DEPTH, (offset + limit) * 2)
    notes: list[str] = []
    if not parsed.has_terms:
        ranked = [(paper_id, 0.0, ["matches the filters"])
                  for paper_id in _filtered_newest(db, filters, offset + limit)]
        return _results(db, ranked[offset:], "text", notes, parsed)
    mode = request.mode
    semantic: list[tuple[str, float]] = []
    if mode in ("hybrid", "semantic"):
        semantic, why_not = _semantic(db, config, parsed, filters, depth, offset + limit)
        if why_not:
            notes.append(f"semantic search unavailable: {why_not}")
            mode = "text"
    keyword: list[tuple[str, float]] = []
    if mode in ("hybrid", "text"):
        keyword = _keyword(db, config, parsed, filters, depth)
    if mode == "text":
        ranked = [(i, s, [f"matches the words (rank {n})"]) for n, (i, s) in
                  enumerate(keyword, 1)]
    elif mode == "semantic":
        ranked = [(i, s, [f"close in meaning (similarity {s:.2f})"]) for i, s in semantic]
    else:
        ranked = _fused(config, keyword, semantic)
    return _results(db, ranked[offset:offset + limit], mode, notes, parsed)


def fuse(keyword: list[tuple[str, float]], semantic: list[tuple[str, float]],
         text_weight: float = 0.5) -> list[tuple[str, float, list[str]]]:
    """Convex combination of min-max normalised scores: text_weight × words + the rest ×
    meaning, a paper missing from one ranking scoring that ranking's minimum (0). Measured
    better than reciprocal rank fusion on both CACM and the HF known-item set, because it
    keeps how far ahead the best match is (docs/PERFORMANCE.md)."""
    words, meaning = _min_max(keyword), _min_max(semantic)
    scores = {i: text_weight * words.get(i, 0.0) + (1 - text_weight) * meaning.get(i, 0.0)
              for i in list(words) + list(meaning)}
    return _with_reasons(scores, keyword, semantic)


def fuse_ranks(keyword: list[tuple[str, float]], semantic: list[tuple[str, float]],
               k: int = 60) -> list[tuple[str, float, list[str]]]:
    """Reciprocal rank fusion: each ranking gives 1/(k + rank); best total first."""
    scores: dict[str, float] = {}
    for ranking in (keyword, semantic):
        for rank, (paper_id, _) in enumerate(ranking, 1):
            scores[paper_id] = scores.get(paper_id, 0.0) + 1.0 / (k + rank)
    return _with_reasons(scores, keyword, semantic)


def _min_max(ranking: list[tuple[str, float]]) -> dict[str, float]:
    if not ranking:
        return {}
    values = [score for _, score in ranking]
    low, high = min(values), max(values)
    span = high - low
    return {i: (score - low) / span if span > 0 else 1.0 for i, score in ranking}


def _with_reasons(scores: dict[str, float], keyword: list[tuple[str, float]],
                  semantic: list[tuple[str, float]]) -> list[tuple[str, float, list[str]]]:
    reasons: dict[str, list[str]] = {}
    for rank, (paper_id, _) in enumerate(keyword, 1):
        reasons.setdefault(paper_id, []).append(f"matches the words (rank {rank})")
    for paper_id, similarity in semantic:
        reasons.setdefault(paper_id, []).append(f"close in meaning (similarity {similarity:.2f})")
    order = sorted(scores, key=lambda i: (-scores[i], i))
    return [(i, scores[i], reasons[i]) for i in order]


def _fused(config: Config | None, keyword: list[tuple[str, float]],
           semantic: list[tuple[str, float]]) -> list[tuple[str, float, list[str]]]:
    if config is not None and config.search_fusion == "rrf":
        return fuse_ranks(keyword, semantic, config.search_fusion_k)
    return fuse(keyword, semantic, config.search_text_weight if config is not None else 0.5)


def _keyword(db: Database, config: Config | None, parsed: ParsedQuery, filters: Filters,
             depth: int) -> list[tuple[str, float]]:
    """The in-process word index once the database is large and the index built; the
    database's own keyword search otherwise, and for phrases (the index has no positions)."""
    index = None
    if config is not None and not parsed.phrases:
        index = WORD_INDEXES.get(db, config.search_word_index_min, cache_dir=config.data_path,
                                 build=config.search_word_index_builder == "serve")
    if index is not None:
        return index.search(parsed.ranked_words(), depth, _allowed(db, index, filters))
    with db.read() as connection:
        return keyword_search(connection, parsed, filters, depth)


def _semantic(db: Database, config: Config | None, parsed: ParsedQuery, filters: Filters,
              depth: int, shown: int | None = None) -> tuple[list[tuple[str, float]], str | None]:
    """The `depth` nearest papers; the `shown` best with exact scores (see VectorIndex)."""
    from .semantic import embedder_for, index_for, pgvector_for, resolve_config
    config = resolve_config(config)
    in_postgres = pgvector_for(db, config)
    if in_postgres is not None:  # filters go into the same SQL
        if not in_postgres.has_vectors():
            return [], "no papers are embedded yet (run `paperwire embed`)"
        query_vector = embedder_for(config).encode([parsed.text])[0]
        return in_postgres.search(query_vector, depth, filters), None
    index = index_for(db, config)
    if len(index) == 0:
        return [], "no papers are embedded yet (run `paperwire embed`)"
    query_vector = embedder_for(config).encode([parsed.text])[0]
    return index.search(query_vector, depth, _allowed(db, index, filters), shown), None


def _allowed(db: Database, index, filters: Filters) -> np.ndarray | None:  # noqa: ANN001
    """The filter as a mask over an index's rows (vector or word index: both have `days`
    and `rows`): dates from the index itself, the rest from the database."""
    if not filters.any:
        return None
    mask = np.ones(len(index), dtype=bool)
    low, high = filters.since, filters.until
    if low or high:
        days = index.days[:len(index)]
        mask &= days != -1
        if low:
            mask &= days >= day_number(low)
        if high:
            mask &= days <= day_number(high)
    if filters.needs_sql:
        where, params = Filters(categories=filters.categories, authors=filters.authors).sql(
            "p", db.dialect)
        with db.read() as connection:
            ids = connection.execute(text(
                f"SELECT p.id FROM papers p WHERE {' AND '.join(where)}"), params).scalars()
            rows = [index.rows[i] for i in ids if i in index.rows]
        sql_mask = np.zeros(len(index), dtype=bool)
        sql_mask[rows] = True
        mask &= sql_mask
    return mask


def _filtered_newest(db: Database, filters: Filters, k: int) -> list[str]:
    where, params = filters.sql("p", db.dialect)
    params["k"] = k
    with db.read() as connection:
        return list(connection.execute(text(
            f"SELECT p.id FROM papers p WHERE {' AND '.join(where)} "
            "ORDER BY p.published_at DESC, p.id LIMIT :k"), params).scalars())


def _results(db: Database, ranked: list[tuple[str, float, list[str]]], mode: str,
             notes: list[str], parsed: ParsedQuery | None) -> SearchResults:
    ids = [paper_id for paper_id, _, _ in ranked]
    rows = {}
    if ids:
        statement = text("SELECT id, title, abstract, authors, categories, published_at "
                         "FROM papers WHERE id IN :ids").bindparams(
                             bindparam("ids", expanding=True))
        with db.read() as connection:
            rows = {r.id: r for r in connection.execute(statement, {"ids": ids})}
    hits = []
    for paper_id, score, reasons in ranked:
        row = rows.get(paper_id)
        if row is None:  # deleted meanwhile
            continue
        hits.append(SearchHit(row.id, float(score), row.title, orjson.loads(row.authors),
                              row.categories.split(), row.published_at,
                              _words_found(parsed, row) + list(reasons)))
    return SearchResults(hits, mode, None, notes)


def _words_found(parsed: ParsedQuery | None, row) -> list[str]:  # noqa: ANN001
    if parsed is None or not parsed.words:
        return []
    haystack = f"{row.title} {row.abstract}".lower()
    found = [w for w in parsed.ranked_words() if w.lower() in haystack][:6]
    return [f"contains {', '.join(repr(w) for w in found)}"] if found else []


def similar(db: Database, paper_id: str, limit: int = 10,
            config: Config | None = None) -> list[SearchHit]:
    """The papers closest in meaning to a paper; by shared words while it has no vector."""
    from .semantic import index_for, pgvector_for, resolve_config
    with db.read() as connection:
        paper = get_paper(connection, paper_id)
    if paper is None:
        raise UnknownPaper(paper_id)
    limit = max(0, min(limit, MAX_LIMIT))
    config = resolve_config(config)
    in_postgres = pgvector_for(db, config)
    index = in_postgres or index_for(db, config)
    if in_postgres is not None or paper_id in index.rows:
        with db.read() as connection:
            vector = stored.vectors_for(connection, index.model, [paper_id]).get(paper_id)
        if vector is not None:
            found = [(i, s) for i, s in index.search(vector, limit + 1) if i != paper_id][:limit]
            ranked = [(i, s, [f"close in meaning (similarity {s:.2f})"]) for i, s in found]
            return _results(db, ranked, "semantic", [], None).hits
    parsed = parse_query(paper.record.title or "")
    with db.read() as connection:
        found = [(i, s) for i, s in keyword_search(connection, parsed, Filters(), limit + 1)
                 if i != paper_id][:limit]
    ranked = [(i, s, ["shares words with its title"]) for i, s in found]
    return _results(db, ranked, "text", [], None).hits


def text_similarities(db: Database, config: Config | None, text_value: str,
                      paper_ids: list[str]) -> dict[str, float]:
    """Cosine similarity of a text's embedding to the stored vectors of these papers
    (papers without a vector are left out). For the digest: how close each candidate
    is to what a reader cares about."""
    from .semantic import embedder_for, resolve_config
    config = resolve_config(config)
    embedder = embedder_for(config)
    with db.read() as connection:
        vectors = stored.vectors_for(connection, embedder.key, paper_ids)
    if not vectors:
        return {}
    query = embedder.encode([text_value or ""])[0]
    return {paper_id: float(np.dot(vector, query)) for paper_id, vector in vectors.items()}
