"""paper_authors, the index behind author pages: kept in step by every import (new papers,
changed author lists, files through their formats) and filled for stored papers by
migration 0012_paper_authors, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest
from alembic import command
from sqlalchemy import text

from paperwire.formats.base import Parsed
from paperwire.ingest import Importer, ImportSummary, import_paths
from paperwire.records import PaperRecord, Version
from paperwire.store import Database, migrate
from paperwire.store.paper_authors import newest_papers, summary

from .conftest import empty_database


def _paper(arxiv_id: str, authors: list[str], *, version: int = 1,
           published: str = "2025-01-01T00:00:00Z") -> PaperRecord:
    return PaperRecord(title=f"Paper {arxiv_id}", abstract="Text.", arxiv_id=arxiv_id,
                       authors=authors, categories=["cs.LG"], published=published,
                       versions=[Version(v, published) for v in range(1, version + 1)])


def _import(db: Database, *papers: PaperRecord) -> None:
    Importer(db).import_results([Parsed(f"test:{i}", p) for i, p in enumerate(papers)],
                                ImportSummary())


def _rows(db: Database) -> list[tuple[str, str, int]]:
    with db.read() as connection:
        return [tuple(r) for r in connection.execute(text(
            "SELECT author_key, paper_id, position FROM paper_authors "
            "ORDER BY paper_id, position"))]


def test_new_papers_get_a_row_per_distinct_author(db: Database) -> None:
    _import(db, _paper("2501.00001", ["Ada Lovelace", "Charles Babbage", "ADA  LOVELACE"]),
            _paper("2501.00002", ["Zoë Müller"]), _paper("2501.00003", []))
    assert _rows(db) == [("ada lovelace", "2501.00001", 0),  # the repeat is not a second row
                         ("charles babbage", "2501.00001", 1),
                         ("zoe muller", "2501.00002", 0)]


def test_a_changed_author_list_replaces_the_rows_and_an_unchanged_one_keeps_them(db) -> None:
    _import(db, _paper("2501.00001", ["Ada Lovelace", "Charles Babbage"]))
    _import(db, _paper("2501.00001", ["Mary Somerville", "Ada Lovelace"], version=2))
    assert _rows(db) == [("mary somerville", "2501.00001", 0), ("ada lovelace", "2501.00001", 1)]
    _import(db, _paper("2501.00001", ["Mary Somerville", "Ada Lovelace"], version=2))
    _import(db, _paper("2501.00001", ["Someone Else"], version=1))  # an older version: ignored
    assert _rows(db) == [("mary somerville", "2501.00001", 0), ("ada lovelace", "2501.00001", 1)]


def test_a_paper_twice_in_one_batch_is_written_once(db: Database) -> None:
    _import(db, _paper("2501.00001", ["Ada Lovelace"]),
            _paper("2501.00001", ["Ada Lovelace", "Charles Babbage"], version=2))
    assert _rows(db) == [("ada lovelace", "2501.00001", 0), ("charles babbage", "2501.00001", 1)]


def test_a_file_imported_through_its_format_is_indexed(db: Database, tmp_path) -> None:
    line = {"id": "2501.00009", "title": "Kaggle row", "abstract": "Text.",
            "authors": "Ada Lovelace and C. Babbage", "categories": "cs.LG",
            "versions": [{"version": "v1", "created": "Mon, 6 Jan 2025 10:00:00 GMT"}],
            "authors_parsed": [["Lovelace", "Ada", ""], ["Babbage", "C.", ""]],
            "update_date": "2025-01-06"}
    path = tmp_path / "arxiv-metadata-oai-snapshot.json"
    path.write_bytes(orjson.dumps(line) + b"\n")
    assert import_paths(db, [str(path)]).exit_code == 0
    with db.read() as connection:
        assert newest_papers(connection, "c. babbage", limit=10) == ["2501.00009"]
        found = summary(connection, "ada lovelace")
    assert (found.name, found.papers) == ("Ada Lovelace", 1)


def test_newest_first_and_the_name_from_the_newest_paper(db: Database) -> None:
    _import(db, _paper("2401.00001", ["Zoe Muller"], published="2024-01-01T00:00:00Z"),
            _paper("2501.00001", ["Zoë Müller"], published="2025-01-01T00:00:00Z"),
            PaperRecord(title="Undated", abstract="", doi="10.1/x", authors=["zoe muller"]))
    with db.read() as connection:
        assert newest_papers(connection, "zoe muller", limit=10) == [
            "2501.00001", "2401.00001", "doi:10.1/x"]  # no date: last
        assert newest_papers(connection, "zoe muller", limit=1, offset=1) == ["2401.00001"]
        found = summary(connection, "zoe muller")
        assert summary(connection, "nobody") is None
    assert (found.name, found.papers) == ("Zoë Müller", 3)
    assert (found.first_published, found.last_published) == (
        "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z")


def test_a_page_of_an_author_is_one_index_range_without_a_sort(db: Database) -> None:
    _import(db, _paper("2501.00001", ["Ada Lovelace"]))
    query = ("SELECT paper_id FROM paper_authors WHERE author_key = 'ada lovelace' "
             "ORDER BY published_at DESC, paper_id DESC LIMIT 50 OFFSET 100")
    with db.read() as connection:
        if db.is_sqlite:
            plan = " ".join(r[-1] for r in connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + query))
            assert "SEARCH paper_authors USING PRIMARY KEY (author_key=?)" in plan, plan
            assert "TEMP B-TREE" not in plan, plan
        else:
            for method in ("seqscan", "bitmapscan", "sort"):  # the cheapest on tiny tables
                connection.exec_driver_sql(f"SET LOCAL enable_{method} = off")
            plan = " ".join(r[0] for r in connection.exec_driver_sql("EXPLAIN " + query))
            assert "Scan Backward using paper_authors_pkey" in plan, plan
            assert "Sort" not in plan, plan


def test_a_changed_publication_date_moves_the_rows(db: Database) -> None:
    # First seen without versions (as on a daily list), then arXiv's v1 says when it was out.
    _import(db, _paper("2501.00001", ["Ada Lovelace"], published="2025-01-05T00:00:00Z",
                       version=0))
    earlier = _paper("2501.00001", ["Ada Lovelace"], published="2024-12-30T00:00:00Z")
    _import(db, earlier)
    with db.read() as connection:
        stored = connection.execute(text("SELECT published_at FROM papers")).scalar_one()
        rows = connection.execute(text("SELECT published_at FROM paper_authors")).scalars()
        assert rows.all() == [stored] and stored.startswith("2024-12-30")


# -- migration 0012: a store from before it gets its rows -------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def old_db(request, tmp_path) -> Iterator[Database]:  # noqa: ANN001
    """A new, empty database migrated only up to 0011_pgvector."""
    with empty_database(request.param, tmp_path, "old") as db:
        migrate.upgrade(db, "0011_pgvector")
        yield db


def _store_old_style(db: Database, count: int) -> None:
    """Papers as a 0011 store holds them: rows in `papers` only."""
    with db.write() as connection:
        connection.execute(text(
            "INSERT INTO papers (id, title, authors, first_seen_at, changed_at) "
            "VALUES (:id, 'T', :authors, 'x', 'x')"),
            [{"id": f"2501.{i:05d}", "authors": orjson.dumps(
                [f"Author {i % 7}", "Ada Lovelace", "ada lovelace"] if i % 3 else []).decode()}
             for i in range(count)])


def test_the_migration_fills_the_table_for_stored_papers(old_db: Database, monkeypatch) -> None:
    from paperwire.store import paper_authors
    real = paper_authors.backfill
    monkeypatch.setattr(paper_authors, "backfill", lambda c: real(c, batch_size=7))
    _store_old_style(old_db, 40)
    assert migrate.upgrade(old_db)[:1] == ["0012_paper_authors"]
    rows = _rows(old_db)
    with_authors = [i for i in range(40) if i % 3]
    assert len(rows) == 2 * len(with_authors)  # "ada lovelace" twice counts once
    assert {r[1] for r in rows if r[0] == "ada lovelace"} == {f"2501.{i:05d}" for i in with_authors}
    assert ("author 1", "2501.00001", 0) in rows and ("ada lovelace", "2501.00001", 1) in rows
    # Downgrade drops it; upgrading again fills it again, the same.
    config = migrate.alembic_config()
    with old_db.write() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0011_pgvector")
    assert migrate.upgrade(old_db)[:2] == ["0012_paper_authors", "0013_instance"]
    assert _rows(old_db) == rows
