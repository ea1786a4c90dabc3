"""Keyword search: SQLite FTS5 (bm25) or PostgreSQL tsvector (ts_rank_cd), same answer shape.

Every term reaches the engine quoted by us (FTS5) or as a bound parameter turned into a
tsquery by plainto/phraseto_tsquery (PostgreSQL): the raw query text never does.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from .filters import Filters
from .query import ParsedQuery

# Column weights: title above abstract above authors.
BM25_WEIGHTS = (4.0, 1.0, 0.5)
PG_WEIGHTS = "{0.05, 0.2, 0.4, 1.0}"  # D, C (authors), B (abstract), A (title)


def fts5_expression(query: ParsedQuery) -> str | None:
    """An FTS5 MATCH expression of quoted terms: phrases are required, words ranked (OR)."""
    def quote(term: str) -> str:
        return '"' + term.replace('"', '""') + '"'
    words = " OR ".join(quote(w) for w in query.ranked_words())
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
    where, params = filters.sql("p")
    params["k"] = k
    if connection.dialect.name == "sqlite":
        expression = fts5_expression(query)
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
