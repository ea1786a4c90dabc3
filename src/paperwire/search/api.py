"""The search contract that the CLI and the web app call.

INTERIM implementation: plain case-insensitive substring matching over titles and
abstracts, and "similar" as recent papers sharing the primary category. The search issue
replaces the bodies (FTS5 / tsvector, embeddings, hybrid fusion) and keeps these signatures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import orjson
from sqlalchemy import text

from ..store import Database
from ..store.papers import get_paper

MODES = ("hybrid", "text", "semantic")
MAX_LIMIT = 100


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


def search(db: Database, request: SearchRequest) -> SearchResults:
    words = request.query.split()
    if not words:
        raise EmptyQuery("type some words to search for")
    where, params = [], {"limit": min(request.limit, MAX_LIMIT), "offset": request.offset}
    for index, word in enumerate(words[:20]):
        params[f"w{index}"] = f"%{word.lower()}%"
        where.append(f"(LOWER(title) LIKE :w{index} OR LOWER(abstract) LIKE :w{index})")
    if request.since:
        where.append("published_at >= :since")
        params["since"] = request.since.isoformat()
    if request.until:
        where.append("published_at < :until")
        params["until"] = (request.until + timedelta(days=1)).isoformat()
    for index, category in enumerate(request.categories):
        where.append(f"id IN (SELECT paper_id FROM paper_categories WHERE category = :c{index})")
        params[f"c{index}"] = category
    for index, author in enumerate(request.authors):
        where.append(f"LOWER(authors) LIKE :a{index}")
        params[f"a{index}"] = f"%{author.lower()}%"
    clause = " AND ".join(where)
    with db.read() as connection:
        total = connection.execute(text(f"SELECT COUNT(*) FROM papers WHERE {clause}"),
                                   params).scalar_one()
        rows = connection.execute(text(
            f"SELECT id, title, authors, categories, published_at FROM papers WHERE {clause} "
            "ORDER BY published_at DESC, id LIMIT :limit OFFSET :offset"), params).all()
    hits = [SearchHit(r.id, 1.0, r.title, orjson.loads(r.authors), r.categories.split(),
                      r.published_at, [f"contains {', '.join(repr(w) for w in words[:5])}"])
            for r in rows]
    return SearchResults(hits, "text", total, ["interim substring search"])


def similar(db: Database, paper_id: str, limit: int = 10) -> list[SearchHit]:
    with db.read() as connection:
        paper = get_paper(connection, paper_id)
        if paper is None:
            raise UnknownPaper(paper_id)
        category = paper.record.primary_category
        if not category:
            return []
        rows = connection.execute(text(
            "SELECT p.id, p.title, p.authors, p.categories, p.published_at FROM papers p "
            "JOIN paper_categories c ON c.paper_id = p.id AND c.category = :category "
            "WHERE p.id <> :id ORDER BY p.published_at DESC LIMIT :limit"),
            {"category": category, "id": paper_id, "limit": limit}).all()
    return [SearchHit(r.id, 0.0, r.title, orjson.loads(r.authors), r.categories.split(),
                      r.published_at, [f"also in {category}"]) for r in rows]
