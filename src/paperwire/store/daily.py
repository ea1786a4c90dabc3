"""Reading the daily lists: which papers were listed in a span of days, their cards, and
the listed days around a given one.

The queries stay within a span of days, so the rows they read are bounded by what was
listed in that span (an index range on day_listings' primary key), not by the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import orjson
from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from .. import links

_CARD_COLUMNS = (
    "p.id, p.arxiv_id, p.doi, p.title, p.abstract, p.authors, p.categories, p.published_at, "
    "p.updated_at, p.latest_version, p.pdf_url, p.github_repo, p.github_stars, p.project_page, "
    "p.organization, p.upvotes, p.vote_count, p.num_comments, p.comment_count, p.ai_summary, "
    "p.ai_keywords, p.changed_at")
# A listing without a submission time counts from the start of its day.
_LISTED_AT = "MIN(COALESCE(l.submitted_at, l.day))"


@dataclass
class ListedPaper:
    """What ranking a listed paper needs, without its text."""

    id: str
    day: str  # the first day it was listed within the span
    listed_at: str  # first submission time within the span (or that day)
    submitted_by: str | None
    published: str | None
    votes: int  # imported upvotes plus local votes
    comments: int  # imported plus local comments
    stars: int | None
    github_repo: str | None = None


@dataclass
class PaperCard:
    """A paper as lists, feeds and the API show it."""

    id: str
    arxiv_id: str | None
    doi: str | None
    title: str
    abstract: str
    authors: list[str]
    categories: list[str]
    published: str | None
    updated: str | None
    latest_version: int | None
    pdf_url: str | None  # as stored; see pdf_link
    github_repo: str | None
    github_stars: int | None
    project_page: str | None
    organization: str | None
    votes: int
    comments: int
    ai_summary: str | None
    ai_keywords: list[str]
    changed_at: str
    listed_day: str | None = None
    listed_at: str | None = None
    submitted_by: str | None = None

    @property
    def abs_link(self) -> str | None:
        return links.abs_url(self)  # type: ignore[arg-type]  (duck-typed record)

    @property
    def pdf_link(self) -> str | None:
        return links.pdf_url(self)  # type: ignore[arg-type]


def listed_in(connection: Connection, first: date, last: date, *,
              submitter: str | None = None) -> list[ListedPaper]:
    """Every paper listed on a day from `first` to `last` (inclusive), once each."""
    where = "l.day >= :first AND l.day <= :last"
    params: dict[str, object] = {"first": first.isoformat(), "last": last.isoformat()}
    if submitter is not None:
        where += " AND l.submitted_by = :submitter"
        params["submitter"] = submitter
    rows = connection.execute(text(
        f"SELECT p.id, MIN(l.day) AS day, {_LISTED_AT} AS listed_at, "
        "MAX(l.submitted_by) AS submitted_by, p.published_at, "
        "p.upvotes, p.vote_count, p.num_comments, p.comment_count, p.github_stars, "
        f"p.github_repo FROM day_listings l JOIN papers p ON p.id = l.paper_id WHERE {where} "
        "GROUP BY p.id"), params).all()
    return [ListedPaper(r.id, r.day, r.listed_at, r.submitted_by, r.published_at,
                        (r.upvotes or 0) + r.vote_count, (r.num_comments or 0) + r.comment_count,
                        r.github_stars, r.github_repo) for r in rows]


def cards(connection: Connection, ids: Sequence[str], *,
          with_listing: bool = True) -> dict[str, PaperCard]:
    """The cards of the papers among `ids`, with their first listing (if any, and asked)."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    found: dict[str, PaperCard] = {}
    papers = text(f"SELECT {_CARD_COLUMNS} FROM papers p WHERE p.id IN :ids").bindparams(
        bindparam("ids", expanding=True))
    listings = text(
        f"SELECT l.paper_id, MIN(l.day) AS day, {_LISTED_AT} AS listed_at, "
        "MAX(l.submitted_by) AS submitted_by FROM day_listings l WHERE l.paper_id IN :ids "
        "GROUP BY l.paper_id").bindparams(bindparam("ids", expanding=True))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for r in connection.execute(papers, {"ids": chunk}):
            found[r.id] = PaperCard(
                id=r.id, arxiv_id=r.arxiv_id, doi=r.doi, title=r.title, abstract=r.abstract,
                authors=orjson.loads(r.authors), categories=r.categories.split(),
                published=r.published_at, updated=r.updated_at, latest_version=r.latest_version,
                pdf_url=r.pdf_url, github_repo=r.github_repo, github_stars=r.github_stars,
                project_page=r.project_page, organization=r.organization,
                votes=(r.upvotes or 0) + r.vote_count,
                comments=(r.num_comments or 0) + r.comment_count, ai_summary=r.ai_summary,
                ai_keywords=orjson.loads(r.ai_keywords) if r.ai_keywords else [],
                changed_at=r.changed_at)
        for r in connection.execute(listings, {"ids": chunk}) if with_listing else ():
            card = found.get(r.paper_id)
            if card is not None:
                card.listed_day, card.listed_at, card.submitted_by = (
                    r.day, r.listed_at, r.submitted_by)
    return found


def ordered_cards(connection: Connection, ids: Sequence[str], *,
                  with_listing: bool = True) -> list[PaperCard]:
    """Cards in the order of `ids`, skipping papers that no longer exist."""
    found = cards(connection, ids, with_listing=with_listing)
    return [found[i] for i in ids if i in found]


def latest_day(connection: Connection, on_or_before: date | None = None) -> date | None:
    """The most recent listed day (not after `on_or_before`, when given)."""
    if on_or_before is None:
        value = connection.execute(text("SELECT MAX(day) FROM day_listings")).scalar()
    else:
        value = connection.execute(text("SELECT MAX(day) FROM day_listings WHERE day <= :day"),
                                   {"day": on_or_before.isoformat()}).scalar()
    return date.fromisoformat(value) if value else None


@dataclass
class ListedDays:
    """The listed days around a span: the first and last of all, and the nearest before
    and after it."""

    first: date | None
    last: date | None
    before: date | None
    after: date | None


def listed_days_around(connection: Connection, start: date, end: date) -> ListedDays:
    row = connection.execute(text(
        "SELECT (SELECT MIN(day) FROM day_listings) AS first, "
        "(SELECT MAX(day) FROM day_listings) AS last, "
        "(SELECT MAX(day) FROM day_listings WHERE day < :start) AS before, "
        "(SELECT MIN(day) FROM day_listings WHERE day > :end) AS after"),
        {"start": start.isoformat(), "end": end.isoformat()}).one()
    return ListedDays(*(date.fromisoformat(v) if v else None for v in row))


def newest_in_category(connection: Connection, category: str, *, limit: int,
                       offset: int = 0) -> tuple[list[str], int]:
    """Ids of the newest papers in a category (by publication), and how many it holds."""
    total = connection.execute(text(
        "SELECT COUNT(*) FROM paper_categories WHERE category = :category"),
        {"category": category}).scalar_one()
    ids = connection.execute(text(
        "SELECT p.id FROM paper_categories c JOIN papers p ON p.id = c.paper_id "
        "WHERE c.category = :category "
        "ORDER BY CASE WHEN p.published_at IS NULL THEN 1 ELSE 0 END, p.published_at DESC, p.id "
        "LIMIT :limit OFFSET :offset"),
        {"category": category, "limit": limit, "offset": offset}).scalars().all()
    return list(ids), total
