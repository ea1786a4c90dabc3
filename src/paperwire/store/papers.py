"""Papers, stored one row each, plus the category, author and day-listing rows that index
them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import orjson
from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection, Row

from .. import ids
from ..records import Listing, PaperRecord, Version
from . import paper_authors
from .bulk import insert_rows, placeholders

PAPER_COLUMNS = (
    "id", "arxiv_id", "doi", "title", "abstract", "authors", "categories", "published_at",
    "updated_at", "latest_version", "versions", "comments", "journal_ref", "report_no",
    "license", "submitter", "pdf_url", "github_repo", "github_stars", "project_page",
    "organization", "upvotes", "num_comments", "ai_summary", "ai_keywords",
    "first_seen_at", "changed_at",
)
# What a newer observation rewrites: everything but the id and first_seen_at.
_UPDATED_COLUMNS = tuple(c for c in PAPER_COLUMNS if c not in ("id", "first_seen_at"))
CATEGORY_COLUMNS = ("category", "paper_id", "is_primary")
LISTING_COLUMNS = ("day", "paper_id", "source", "submitted_by", "submitted_at")
SELECT_COLUMNS = ", ".join(PAPER_COLUMNS + ("vote_count", "comment_count"))


@dataclass
class StoredPaper:
    """A paper as the store holds it: the record plus what only the store knows."""

    id: str
    record: PaperRecord
    vote_count: int
    comment_count: int
    first_seen_at: str
    changed_at: str


def lock_for_ingest(connection: Connection) -> None:
    """Serialise paper writers on PostgreSQL; SQLite's BEGIN IMMEDIATE already does."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7201002)")


def _json(value: object) -> str:
    return orjson.dumps(value).decode()


def _versions_json(versions: list[Version]) -> str:
    items = []
    for v in versions:
        item: dict[str, object] = {"version": v.version, "created": v.created}
        if v.title is not None:
            item["title"] = v.title
            item["abstract"] = v.abstract
        items.append(item)
    return _json(items)


# An encoded paper is its RECORD_COLUMNS values followed by its day listings: plain
# JSON-able lists, so parser processes can hand papers to the writer cheaply.
RECORD_COLUMNS = PAPER_COLUMNS[:-2]
_CATEGORIES_AT = RECORD_COLUMNS.index("categories")
_AUTHORS_AT = RECORD_COLUMNS.index("authors")
_PUBLISHED_AT = RECORD_COLUMNS.index("published_at")


def encode_paper(record: PaperRecord) -> list:
    return [
        record.key, record.arxiv_id, record.doi, record.title, record.abstract,
        _json(record.authors), " ".join(record.categories), record.published,
        record.updated, record.latest_version, _versions_json(record.versions),
        record.comments, record.journal_ref, record.report_no, record.license,
        record.submitter, record.pdf_url, record.github_repo, record.github_stars,
        record.project_page, record.organization, record.upvotes, record.num_comments,
        record.ai_summary, _json(record.ai_keywords) if record.ai_keywords else None,
        [[x.day, x.source, x.submitted_by, x.submitted_at] for x in record.listings],
    ]


def decode_paper(encoded: Sequence) -> PaperRecord:
    record = _record_from_values(encoded)
    record.listings = [Listing(*item) for item in encoded[len(RECORD_COLUMNS)]]
    return record


def _record_from_values(v: Sequence) -> PaperRecord:
    """A record from RECORD_COLUMNS values (listings are added separately)."""
    return PaperRecord(
        arxiv_id=v[1], doi=v[2], title=v[3], abstract=v[4], authors=orjson.loads(v[5]),
        categories=v[6].split() if v[6] else [], published=v[7], updated=v[8],
        versions=[Version(x["version"], x["created"], x.get("title"), x.get("abstract"))
                  for x in orjson.loads(v[10])],
        comments=v[11], journal_ref=v[12], report_no=v[13], license=v[14], submitter=v[15],
        pdf_url=v[16], github_repo=v[17], github_stars=v[18], project_page=v[19],
        organization=v[20], upvotes=v[21], num_comments=v[22], ai_summary=v[23],
        ai_keywords=orjson.loads(v[24]) if v[24] else [],
    )


def _category_rows(key: str, categories: list[str]) -> list[tuple]:
    return [(category, key, index == 0) for index, category in enumerate(categories)]


def insert_papers(connection: Connection, papers: Sequence[list], now: str) -> None:
    """Insert new papers, given encoded (see encode_paper)."""
    rows, categories, authors, listings = [], [], [], []
    width = len(RECORD_COLUMNS)
    for encoded in papers:
        key = encoded[0]
        rows.append((*encoded[:width], now, now))
        categories += _category_rows(key, encoded[_CATEGORIES_AT].split())
        authors += paper_authors.author_rows(key, orjson.loads(encoded[_AUTHORS_AT]),
                                             encoded[_PUBLISHED_AT])
        listings += [(day, key, source, by, at) for day, source, by, at in encoded[width]]
    insert_rows(connection, "papers", PAPER_COLUMNS, rows)
    insert_rows(connection, "paper_categories", CATEGORY_COLUMNS, categories)
    paper_authors.insert(connection, authors)
    insert_rows(connection, "day_listings", LISTING_COLUMNS, listings)


def replace_papers(connection: Connection, changes: Sequence[tuple[PaperRecord, PaperRecord]],
                   now: str) -> None:
    """Rewrite stored papers: each change is (what was stored, what to store now)."""
    if not changes:
        return
    assignments = ", ".join(f"{c} = :{c}" for c in _UPDATED_COLUMNS)
    params = []
    stale_categories, fresh_categories, fresh_listings = [], [], []
    stale_authors, fresh_authors = [], []
    for old, new in changes:
        key = new.key
        row = dict(zip(RECORD_COLUMNS, encode_paper(new)), changed_at=now)
        params.append({c: row[c] for c in ("id",) + _UPDATED_COLUMNS})
        if old.categories != new.categories:
            stale_categories += [(category, key) for category in old.categories]
            fresh_categories += _category_rows(key, new.categories)
        if old.authors != new.authors or old.published != new.published:
            stale_authors += paper_authors.author_rows(key, old.authors, old.published)
            fresh_authors += paper_authors.author_rows(key, new.authors, new.published)
        known = {(x.day, x.source) for x in old.listings}
        fresh_listings += [(x.day, key, x.source, x.submitted_by, x.submitted_at)
                           for x in new.listings if (x.day, x.source) not in known]
        changed_listings = [x for x in new.listings if (x.day, x.source) in known
                            and x not in old.listings]
        for listing in changed_listings:
            connection.execute(text(
                "UPDATE day_listings SET submitted_by = :by, submitted_at = :at "
                "WHERE day = :day AND paper_id = :id AND source = :source"),
                {"by": listing.submitted_by, "at": listing.submitted_at, "day": listing.day,
                 "id": key, "source": listing.source})
    connection.execute(text(f"UPDATE papers SET {assignments} WHERE id = :id"), params)
    if stale_categories:
        connection.exec_driver_sql(
            f"DELETE FROM paper_categories WHERE category = {placeholders(connection, 1)} "
            f"AND paper_id = {placeholders(connection, 1)}", stale_categories)
    insert_rows(connection, "paper_categories", CATEGORY_COLUMNS, fresh_categories)
    paper_authors.delete(connection, stale_authors)
    paper_authors.insert(connection, fresh_authors)
    insert_rows(connection, "day_listings", LISTING_COLUMNS, fresh_listings)


def _select_in(connection: Connection, sql: str, keys: Sequence[str]) -> Iterable[Row]:
    statement = text(sql).bindparams(bindparam("keys", expanding=True))
    for start in range(0, len(keys), 1000):
        yield from connection.execute(statement, {"keys": list(keys[start:start + 1000])})


def record_from_row(row: Row) -> PaperRecord:
    return _record_from_values(row[:len(RECORD_COLUMNS)])


def stored_from_row(row: Row) -> StoredPaper:
    return StoredPaper(id=row.id, record=record_from_row(row), vote_count=row.vote_count,
                       comment_count=row.comment_count, first_seen_at=row.first_seen_at,
                       changed_at=row.changed_at)


def load_papers(connection: Connection, keys: Sequence[str]) -> dict[str, StoredPaper]:
    """The stored papers among `keys`, each whole (day listings included)."""
    keys = list(dict.fromkeys(keys))
    papers = {row.id: stored_from_row(row) for row in _select_in(
        connection, f"SELECT {SELECT_COLUMNS} FROM papers WHERE id IN :keys", keys)}
    if papers:
        for row in _select_in(connection, "SELECT day, paper_id, source, submitted_by, "
                              "submitted_at FROM day_listings WHERE paper_id IN :keys "
                              "ORDER BY paper_id, day, source", list(papers)):
            papers[row.paper_id].record.listings.append(
                Listing(row.day, row.source, row.submitted_by, row.submitted_at))
    return papers


def get_paper(connection: Connection, key: str) -> StoredPaper | None:
    return load_papers(connection, [key]).get(key)


def resolve_paper_id(connection: Connection, raw: str) -> str | None:
    """Find a stored paper from what a person would type: an arXiv id (any version,
    URL or 'arXiv:' form), a DOI, or a stored key."""
    candidates = [raw.strip()]
    try:
        candidates.insert(0, ids.parse_arxiv_id(raw)[0])
    except ids.InvalidId:
        pass
    doi = ids.normalise_doi(raw)
    if doi:
        candidates.append(f"doi:{doi}")
    for candidate in candidates:
        found = connection.execute(text("SELECT id FROM papers WHERE id = :id"),
                                   {"id": candidate}).scalar()
        if found:
            return found
    if doi:
        return connection.execute(text("SELECT id FROM papers WHERE doi = :doi ORDER BY id LIMIT 1"),
                                  {"doi": doi}).scalar()
    return None


def count_papers(connection: Connection) -> int:
    return connection.execute(text("SELECT COUNT(*) FROM papers")).scalar_one()
