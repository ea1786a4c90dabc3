"""Keyword search: SQLite FTS5 (bm25) or PostgreSQL tsvector (ts_rank_cd), same answer shape.

Every term reaches the engine quoted by us (FTS5) or as a bound parameter turned into a
tsquery by plainto/phraseto_tsquery (PostgreSQL): the raw query text never does.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection

from .query import ParsedQuery

if TYPE_CHECKING:  # filters reads words, which reads this module's tokenizer
    from .filters import Filters

FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"  # as the 0006 migration made papers_fts
# Column weights: title above abstract above authors.
BM25_WEIGHTS = (4.0, 1.0, 0.5)
PG_WEIGHTS = "{0.05, 0.2, 0.4, 1.0}"  # D, C (authors), B (abstract), A (title)


# Scoring every paper that has any query word costs about 1 µs each: at 1M papers a few
# common words mean 100s of ms. Words are ranked from the rarest; common ones are left out
# once the rarer ones already reach this many papers (they would add little to bm25).
POSTINGS_BUDGET = 10_000
KEEP_RAREST = 2
_DF_CACHE_SECONDS = 3600.0
_df_cache: dict[str, tuple[float, dict[str, int]]] = {}
_df_lock = threading.Lock()


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def document_frequencies(connection: Connection, words: list[str]) -> dict[str, int]:
    """How many papers have each word, up to POSTINGS_BUDGET + 1 (FTS5; cached per
    database for an hour: it changes slowly)."""
    key = str(connection.engine.url)
    now = time.monotonic()
    with _df_lock:
        born, cache = _df_cache.get(key, (now, {}))
        if now - born > _DF_CACHE_SECONDS or len(cache) > 200_000:
            born, cache = now, {}
        _df_cache[key] = (born, cache)
        missing = [w for w in dict.fromkeys(w.lower() for w in words) if w not in cache]
    for word in missing:
        # Counting stops past the budget: beyond it a word is "common" whatever its count,
        # and a common word's full count costs milliseconds at 1M papers.
        count = connection.execute(text(
            "SELECT COUNT(*) FROM (SELECT 1 FROM papers_fts WHERE papers_fts MATCH :m "
            "LIMIT :cap)"), {"m": _quote(word), "cap": POSTINGS_BUDGET + 1}).scalar_one()
        with _df_lock:
            cache[word] = int(count)
    return {w: cache.get(w.lower(), 0) for w in words}


def prune_common_words(words: list[str], frequencies: dict[str, int],
                       budget: int = POSTINGS_BUDGET) -> list[str]:
    kept, postings = [], 0
    for word in sorted(words, key=lambda w: frequencies.get(w, 0)):
        if len(kept) >= KEEP_RAREST and postings + frequencies.get(word, 0) > budget:
            break
        kept.append(word)
        postings += frequencies.get(word, 0)
    return kept


def fts5_expression(query: ParsedQuery, words: list[str] | None = None) -> str | None:
    """An FTS5 MATCH expression of quoted terms: phrases are required, words ranked (OR)."""
    quote = _quote
    if words is None:
        words = query.ranked_words()
    words = " OR ".join(quote(w) for w in words)
    phrases = [quote(" ".join(p)) for p in query.phrases]
    if not words and not phrases:
        return None
    parts = phrases + ([f"({words})"] if words else [])
    return " AND ".join(parts)


def keyword_search(connection: Connection, query: ParsedQuery, filters: Filters,
                   k: int) -> list[tuple[str, float]]:
    """The best k papers by words, filtered first; (id, score) best first, higher is better."""
    if not query.has_terms or k <= 0:
        return []
    where, params = filters.sql("p", connection.dialect.name)
    params["k"] = k
    if connection.dialect.name == "sqlite":
        words = query.ranked_words()
        if len(words) > KEEP_RAREST:
            words = prune_common_words(words, document_frequencies(connection, words))
        expression = fts5_expression(query, words)
        if expression is None:
            return []
        params["match"] = expression
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        clause = "".join(f" AND {w}" for w in where)
        rows = connection.execute(text(
            f"SELECT p.id, bm25(papers_fts, {weights}) AS rank FROM papers_fts "
            f"JOIN papers p ON p.rowid = papers_fts.rowid "
            f"WHERE papers_fts MATCH :match{clause} ORDER BY rank LIMIT :k"), params).all()
        return [(row.id, -float(row.rank)) for row in rows]
    parts = []
    for index, phrase in enumerate(query.phrases):
        params[f"ph{index}"] = " ".join(phrase)
        parts.append(f"phraseto_tsquery('english', :ph{index})")
    words = query.ranked_words()
    if words:
        for index, word in enumerate(words):
            params[f"w{index}"] = word
        # Words are ORed so that rank decides, as with FTS5.
        parts.append(" || ".join(f"plainto_tsquery('english', :w{i})" for i in range(len(words))))
    tsquery = " && ".join(f"({p})" for p in parts)
    clause = "".join(f" AND {w}" for w in where)
    rows = connection.execute(text(
        f"SELECT p.id, ts_rank_cd('{PG_WEIGHTS}', p.search_vector, q.query, 1) AS rank "
        f"FROM papers p, (SELECT {tsquery} AS query) q "
        f"WHERE p.search_vector @@ q.query{clause} ORDER BY rank DESC, p.id LIMIT :k"),
        params).all()
    return [(row.id, float(row.rank)) for row in rows]
