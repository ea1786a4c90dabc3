"""Papers with their versions, authors and categories, stored and read as one aggregate."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import orjson
from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from .. import ids
from ..records import Listing, PaperRecord, Version
from .bulk import delete_where_in, insert_rows

PAPER_COLUMNS = (
    "id", "arxiv_id", "doi", "title", "abstract", "primary_category", "published_at",
    "updated_at", "latest_version", "comments", "journal_ref", "report_no", "license",
    "submitter", "pdf_url", "github_repo", "github_stars", "project_page", "organization",
    "upvotes", "num_comments", "ai_summary", "ai_keywords", "first_seen_at", "changed_at",
)
# Columns a newer observation rewrites; first_seen_at and the community counters stay.
_UPDATED_COLUMNS = PAPER_COLUMNS[1:-2] + ("changed_at",)
VERSION_COLUMNS = ("paper_id", "version", "created_at", "title", "abstract")
AUTHOR_COLUMNS = ("paper_id", "position", "name", "name_key")
CATEGORY_COLUMNS = ("paper_id", "category", "is_primary")
LISTING_COLUMNS = ("day", "paper_id", "source", "submitted_by", "submitted_at")

_CHILD_TABLES = ("paper_versions", "paper_authors", "paper_categories", "day_listings")


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


def _paper_row(key: str, record: PaperRecord, first_seen: str, now: str) -> tuple:
    return (
        key, record.arxiv_id, record.doi, record.title, record.abstract,
        record.primary_category, record.published, record.updated, record.latest_version,
        record.comments, record.journal_ref, record.report_no, record.license,
        record.submitter, record.pdf_url, record.github_repo, record.github_stars,
        record.project_page, record.organization, record.upvotes, record.num_comments,
        record.ai_summary,
        orjson.dumps(record.ai_keywords).decode() if record.ai_keywords else None,
        first_seen, now,
    )


def _child_rows(key: str, record: PaperRecord, rows: dict[str, list[tuple]]) -> None:
    for v in record.versions:
        rows["paper_versions"].append((key, v.version, v.created, v.title, v.abstract))
    for position, name in enumerate(record.authors):
        rows["paper_authors"].append((key, position, name, ids.fold(name)))
    for index, category in enumerate(record.categories):
        rows["paper_categories"].append((key, category, index == 0))
    for listing in record.listings:
        rows["day_listings"].append(
            (listing.day, key, listing.source, listing.submitted_by, listing.submitted_at))


_CHILD_COLUMNS = {
    "paper_versions": VERSION_COLUMNS,
    "paper_authors": AUTHOR_COLUMNS,
    "paper_categories": CATEGORY_COLUMNS,
    "day_listings": LISTING_COLUMNS,
}


def _insert_children(connection: Connection, rows: dict[str, list[tuple]]) -> None:
    for table in _CHILD_TABLES:
        insert_rows(connection, table, _CHILD_COLUMNS[table], rows[table])


def insert_papers(connection: Connection, records: Sequence[PaperRecord], now: str) -> None:
    paper_rows = []
    child_rows: dict[str, list[tuple]] = defaultdict(list)
    for record in records:
        key = record.key
        paper_rows.append(_paper_row(key, record, now, now))
        _child_rows(key, record, child_rows)
    insert_rows(connection, "papers", PAPER_COLUMNS, paper_rows)
    _insert_children(connection, child_rows)


def replace_papers(connection: Connection, records: Sequence[PaperRecord], now: str) -> None:
    """Rewrite stored papers with merged records: the row in place, the children anew."""
    if not records:
        return
    keys = [r.key for r in records]
    for table in _CHILD_TABLES:
        delete_where_in(connection, table, "paper_id", keys)
    assignments = ", ".join(f"{c} = :{c}" for c in _UPDATED_COLUMNS)
    statement = text(f"UPDATE papers SET {assignments} WHERE id = :id")
    params = []
    child_rows: dict[str, list[tuple]] = defaultdict(list)
    for record in records:
        key = record.key
        row = dict(zip(PAPER_COLUMNS, _paper_row(key, record, "", now)))
        params.append({c: row[c] for c in ("id",) + _UPDATED_COLUMNS})
        _child_rows(key, record, child_rows)
    connection.execute(statement, params)
    _insert_children(connection, child_rows)


def _select_in(connection: Connection, sql: str, keys: Sequence[str]) -> Iterable:
    statement = text(sql).bindparams(bindparam("keys", expanding=True))
    for start in range(0, len(keys), 1000):
        yield from connection.execute(statement, {"keys": list(keys[start:start + 1000])})


def load_papers(connection: Connection, keys: Sequence[str]) -> dict[str, StoredPaper]:
    """The stored papers among `keys`, each with its versions, authors, categories, listings."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    columns = ", ".join(PAPER_COLUMNS + ("vote_count", "comment_count"))
    papers: dict[str, StoredPaper] = {}
    for row in _select_in(connection, f"SELECT {columns} FROM papers WHERE id IN :keys", keys):
        papers[row.id] = StoredPaper(
            id=row.id,
            record=PaperRecord(
                title=row.title, abstract=row.abstract, arxiv_id=row.arxiv_id, doi=row.doi,
                published=row.published_at, updated=row.updated_at, comments=row.comments,
                journal_ref=row.journal_ref, report_no=row.report_no, license=row.license,
                submitter=row.submitter, pdf_url=row.pdf_url, github_repo=row.github_repo,
                github_stars=row.github_stars, project_page=row.project_page,
                organization=row.organization, upvotes=row.upvotes,
                num_comments=row.num_comments, ai_summary=row.ai_summary,
                ai_keywords=orjson.loads(row.ai_keywords) if row.ai_keywords else [],
            ),
            vote_count=row.vote_count, comment_count=row.comment_count,
            first_seen_at=row.first_seen_at, changed_at=row.changed_at,
        )
    found = list(papers)
    if not found:
        return papers
    for row in _select_in(connection, "SELECT paper_id, version, created_at, title, abstract "
                          "FROM paper_versions WHERE paper_id IN :keys ORDER BY paper_id, version",
                          found):
        papers[row.paper_id].record.versions.append(
            Version(row.version, row.created_at, row.title, row.abstract))
    for row in _select_in(connection, "SELECT paper_id, name FROM paper_authors "
                          "WHERE paper_id IN :keys ORDER BY paper_id, position", found):
        papers[row.paper_id].record.authors.append(row.name)
    categories: dict[str, list[tuple[bool, str]]] = defaultdict(list)
    for row in _select_in(connection, "SELECT paper_id, category, is_primary FROM paper_categories "
                          "WHERE paper_id IN :keys", found):
        categories[row.paper_id].append((not row.is_primary, row.category))
    for key, items in categories.items():
        papers[key].record.categories = [c for _, c in sorted(items)]
    for row in _select_in(connection, "SELECT day, paper_id, source, submitted_by, submitted_at "
                          "FROM day_listings WHERE paper_id IN :keys ORDER BY paper_id, day, source",
                          found):
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
        doi = ids.normalise_doi(raw)
        if doi:
            candidates.insert(0, f"doi:{doi}")
    for candidate in candidates:
        found = connection.execute(text("SELECT id FROM papers WHERE id = :id"),
                                   {"id": candidate}).scalar()
        if found:
            return found
    doi = ids.normalise_doi(raw)
    if doi:
        return connection.execute(text("SELECT id FROM papers WHERE doi = :doi LIMIT 1"),
                                  {"doi": doi}).scalar()
    return None


def count_papers(connection: Connection) -> int:
    return connection.execute(text("SELECT COUNT(*) FROM papers")).scalar_one()
