"""Importing every format into a real database (SQLite and PostgreSQL): counts,
idempotence, version history, bad input and batch atomicity."""

from __future__ import annotations

import gzip
import io
import lzma
import shutil
from pathlib import Path

import orjson
import pytest
from sqlalchemy import text

from paperwire.export import export_jsonl
from paperwire.formats.base import ParseOptions
from paperwire.ingest import BatchWriter, Importer, import_paths
from paperwire.records import PaperRecord, Version
from paperwire.store.papers import encode_paper, get_paper, load_papers
from paperwire.store.stats import collect_stats

from .conftest import shared_data

KAGGLE = ("arxiv-kaggle-snapshot-sample", "arxiv-metadata-oai-snapshot.first200.jsonl")
HF_FLAT = ("hf-daily-papers", "hf_daily_papers_2024-05-27_2026-08-21.jsonl.gz")
HF_RAW = ("hf-daily-papers", "raw_Paper_metadata_download.tar.xz")
LISTING = ("listing-page", "trending-listing.txt")
ATOM_DIR = ("arxiv-api-atom-arxivpy", "recorded_2026_bodies")


def _count(db, sql: str) -> int:  # noqa: ANN001
    with db.read() as connection:
        return connection.execute(text(sql)).scalar_one()


def _consistent(db) -> None:  # noqa: ANN001
    """The category index matches the papers' own category lists."""
    with db.read() as connection:
        expected = connection.execute(text(
            "SELECT COALESCE(SUM(LENGTH(categories) - LENGTH(REPLACE(categories, ' ', '')) + 1), 0) "
            "FROM papers WHERE categories <> ''")).scalar_one()
        indexed = connection.execute(text("SELECT COUNT(*) FROM paper_categories")).scalar_one()
        primaries = connection.execute(text(
            "SELECT COUNT(*) FROM paper_categories WHERE is_primary")).scalar_one()
        with_categories = connection.execute(text(
            "SELECT COUNT(*) FROM papers WHERE categories <> ''")).scalar_one()
    assert indexed == expected
    assert primaries == with_categories


def test_kaggle_dump_imports_and_reimport_changes_nothing(db) -> None:  # noqa: ANN001
    path = str(shared_data(*KAGGLE))
    first = import_paths(db, [path])
    assert first.counts.as_dict() == {"read": 200, "new": 200, "updated": 0, "unchanged": 0,
                                      "rejected": 0}
    assert first.exit_code == 0
    second = import_paths(db, [path])
    assert second.counts.as_dict() == {"read": 200, "new": 0, "updated": 0, "unchanged": 200,
                                       "rejected": 0}
    with db.read() as connection:
        paper = get_paper(connection, "0704.0001")
    record = paper.record
    assert record.title.startswith("Calculation of prompt diphoton production")
    assert record.authors[:2] == ["C. Balázs", "E. L. Berger"]
    assert record.categories == ["hep-ph"]
    assert [v.version for v in record.versions] == [1, 2]
    assert record.published == "2007-04-02T19:18:42Z"
    assert record.doi == "10.1103/physrevd.76.013009"
    assert _count(db, "SELECT COUNT(*) FROM papers") == 200
    _consistent(db)


def test_hf_flat_and_raw_archive_give_the_same_papers(db) -> None:  # noqa: ANN001
    flat = import_paths(db, [str(shared_data(*HF_FLAT))])
    assert flat.counts.read == 9881
    assert flat.counts.rejected == 0
    assert flat.counts.new == 9877  # four papers were listed on two days
    assert flat.counts.new + flat.counts.updated + flat.counts.unchanged == 9881
    assert _count(db, "SELECT COUNT(*) FROM papers") == 9877
    assert _count(db, "SELECT COUNT(*) FROM day_listings") == 9881
    again = import_paths(db, [str(shared_data(*HF_FLAT))])
    assert again.counts.unchanged == 9881
    raw = import_paths(db, [str(shared_data(*HF_RAW))])
    assert raw.counts.read == 9881
    assert raw.counts.rejected == 0
    assert raw.counts.new == 0  # the same papers; the raw files only add who submitted them
    assert _count(db, "SELECT COUNT(*) FROM papers") == 9877
    assert _count(db, "SELECT COUNT(*) FROM day_listings WHERE submitted_by IS NOT NULL") > 9000
    with db.read() as connection:
        convllava = get_paper(connection, "2405.15738").record
    assert convllava.upvotes == 32
    assert convllava.num_comments == 3
    assert [x.day for x in convllava.listings] == ["2024-05-27"]
    assert import_paths(db, [str(shared_data(*HF_RAW))]).counts.unchanged == 9881
    _consistent(db)


def test_listing_page_yields_exactly_its_89_papers_keyed_by_title(db) -> None:  # noqa: ANN001
    summary = import_paths(db, [str(shared_data(*LISTING))])
    assert summary.counts.as_dict()["new"] == 89
    assert summary.counts.rejected == 0
    with db.read() as connection:
        keys = connection.execute(text("SELECT id FROM papers")).scalars().all()
    assert len(keys) == 89 and all(k.startswith("title:") for k in keys)
    assert import_paths(db, [str(shared_data(*LISTING))]).counts.unchanged == 89


def test_atom_responses_import_with_the_api_error_rejected(db) -> None:  # noqa: ANN001
    summary = import_paths(db, [str(shared_data(*ATOM_DIR))])
    assert summary.counts.rejected == 1
    assert summary.rejections[0].origin.endswith("id_abc_s0_m100_b79c8dcf6bc3.xml:9")
    assert "incorrect id format" in summary.rejections[0].reason
    assert summary.exit_code == 1
    with db.read() as connection:
        paper = get_paper(connection, "1605.08386").record
    assert paper.title == "Heat-bath random walks with Markov bases"
    assert paper.categories == ["math.CO", "math.ST"]
    assert paper.authors == ["Caprice Stanley", "Tobias Windisch"]


def test_export_round_trips_through_import(db, tmp_path: Path, sqlite_db) -> None:  # noqa: ANN001
    import_paths(db, [str(shared_data(*KAGGLE)), str(shared_data(*LISTING))])
    first = io.BytesIO()
    assert export_jsonl(db, first) == 289
    exported = tmp_path / "export.jsonl.gz"
    exported.write_bytes(gzip.compress(first.getvalue()))
    summary = import_paths(sqlite_db, [str(exported)])
    assert summary.counts.new == 289 and summary.counts.rejected == 0
    second = io.BytesIO()
    export_jsonl(sqlite_db, second)
    assert second.getvalue() == first.getvalue()
    assert import_paths(db, [str(exported)]).counts.unchanged == 289


def _record(arxiv_id: str, version: int, title: str, **extra) -> PaperRecord:  # noqa: ANN003
    versions = [Version(n, f"2024-0{n}-01T00:00:00Z") for n in range(1, version + 1)]
    return PaperRecord(title=title, abstract=f"abstract of {title}", arxiv_id=arxiv_id,
                       versions=versions, published=versions[0].created, **extra)


def test_newer_version_updates_the_paper_and_keeps_history(db) -> None:  # noqa: ANN001
    writer = BatchWriter(db)
    assert writer.write([encode_paper(_record("2401.00001", 1, "First title",
                                              categories=["cs.LG", "cs.AI"]))]).new == 1
    counts = writer.write([encode_paper(_record("2401.00001", 2, "Second title",
                                                categories=["cs.CL"]))])
    assert counts.updated == 1
    assert writer.write([encode_paper(_record("2401.00001", 1, "First title"))]).unchanged == 1
    with db.read() as connection:
        record = get_paper(connection, "2401.00001").record
        indexed = connection.execute(text(
            "SELECT category FROM paper_categories WHERE paper_id = '2401.00001'")).scalars().all()
    assert record.title == "Second title"
    assert record.categories == ["cs.CL"] and indexed == ["cs.CL"]
    assert [(v.version, v.title) for v in record.versions] == [(1, "First title"), (2, None)]


def test_community_signals_never_override_arxiv_metadata(db) -> None:  # noqa: ANN001
    writer = BatchWriter(db)
    writer.write([encode_paper(_record("2401.00002", 2, "arXiv title", authors=["A. Author"]))])
    hf = PaperRecord(title="HF title", arxiv_id="2401.00002", upvotes=7, authors=["Someone"],
                     github_repo="https://github.com/x/y")
    assert writer.write([encode_paper(hf)]).updated == 1
    with db.read() as connection:
        record = get_paper(connection, "2401.00002").record
    assert record.title == "arXiv title" and record.authors == ["A. Author"]
    assert record.upvotes == 7 and record.github_repo == "https://github.com/x/y"


def _write(path: Path, lines: list[bytes]) -> str:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return str(path)


def _kaggle_line(arxiv_id: str, **overrides) -> bytes:  # noqa: ANN003
    data = {"id": arxiv_id, "title": f"Paper {arxiv_id}", "abstract": "Text.",
            "authors": "A. B", "authors_parsed": [["B", "A.", ""]], "categories": "cs.LG",
            "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}],
            "update_date": "2007-04-03", "doi": None, "comments": None, "journal-ref": None,
            "report-no": None, "license": None, "submitter": "A. B"}
    data.update(overrides)
    return orjson.dumps(data)


def test_bad_records_are_reported_with_location_and_skipped(db, tmp_path: Path) -> None:  # noqa: ANN001
    path = _write(tmp_path / "dump.jsonl", [
        _kaggle_line("0704.0001"),
        b'{"id": "0704.0002", "title": ',  # malformed JSON
        _kaggle_line("0704.0003", title="   "),  # missing title
        _kaggle_line("0704.0004", versions=[{"version": "v1", "created": "yesterday"}]),
        b'{"id": "0704.0005", "title": "caf\xe9", "authors_parsed": []}',  # latin-1 byte
        _kaggle_line("not-an-id"),
        _kaggle_line("0704.0007"),
    ])
    summary = import_paths(db, [path])
    assert summary.counts.as_dict() == {"read": 7, "new": 2, "updated": 0, "unchanged": 0,
                                        "rejected": 5}
    reasons = {r.origin.rsplit(":", 1)[1]: r.reason for r in summary.rejections}
    assert set(reasons) == {"2", "3", "4", "5", "6"}
    assert "malformed JSON" in reasons["2"]
    assert reasons["3"] == "missing title"
    assert "bad version date" in reasons["4"]
    assert "UTF-8" in reasons["5"]
    assert "not an arXiv id" in reasons["6"]
    assert all(r.origin.startswith(path) for r in summary.rejections)
    assert summary.exit_code == 1


def test_hostile_inputs_are_rejected_without_harm(db, tmp_path: Path) -> None:  # noqa: ANN001
    huge = _kaggle_line("0704.0002", abstract="x" * 3_000_000)
    path = _write(tmp_path / "hostile.jsonl", [
        _kaggle_line("0704.0001", title="<script>alert(1)</script> \"'; DROP TABLE papers;--"),
        huge,
        _kaggle_line("0704.0003", authors_parsed=[["x" * 10]] * 6000),
        _kaggle_line("0704.0004", categories="cs.LG; rm -rf /"),
        b"[" * 100_000,
        _kaggle_line("0704.0006", title="\x00\x01 nul \x1b[31m bytes"),
    ])
    summary = Importer(db, options=ParseOptions(max_record_bytes=1_000_000)).import_paths([path])
    assert summary.counts.new == 2 and summary.counts.rejected == 4
    reasons = " | ".join(r.reason for r in summary.rejections)
    assert "longer than 1,000,000 bytes" in reasons
    assert "more than 5,000 authors" in reasons
    assert "bad category" in reasons
    with db.read() as connection:
        stored = load_papers(connection, ["0704.0001", "0704.0006"])
    assert stored["0704.0001"].record.title.startswith("<script>")  # stored as text, escaped on output
    assert stored["0704.0006"].record.title == "nul [31m bytes"
    assert _count(db, "SELECT COUNT(*) FROM papers") == 2


def test_truncated_gzip_keeps_whole_records_and_reports_where_it_broke(db, tmp_path: Path) -> None:  # noqa: ANN001
    lines = [_kaggle_line(f"0704.{n:04d}", abstract="word " * 400) for n in range(1, 301)]
    whole = gzip.compress(b"\n".join(lines) + b"\n")
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    summary = import_paths(db, [str(path)])
    assert 0 < summary.counts.new < 300
    assert summary.counts.rejected == 1
    rejection = summary.rejections[0]
    assert rejection.origin == f"{path}:{summary.counts.new + 1}"
    assert "ends early" in rejection.reason
    assert summary.exit_code == 1
    assert _count(db, "SELECT COUNT(*) FROM papers") == summary.counts.new


def test_xz_and_bz2_are_read_directly(db, tmp_path: Path) -> None:  # noqa: ANN001
    import bz2
    raw = Path(shared_data(*KAGGLE)).read_bytes()
    (tmp_path / "a.data").write_bytes(lzma.compress(raw))
    (tmp_path / "b.data").write_bytes(bz2.compress(raw))
    summary = import_paths(db, [str(tmp_path / "a.data"), str(tmp_path / "b.data")])
    assert [f.format for f in summary.files] == ["kaggle", "kaggle"]
    assert summary.counts.new == 200 and summary.counts.unchanged == 200


def test_nothing_readable_exits_2_and_unknown_format_is_named(db, tmp_path: Path) -> None:  # noqa: ANN001
    missing = import_paths(db, [str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2 and "no such file" in missing.errors[0]
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    unknown = import_paths(db, [str(binary)])
    assert unknown.exit_code == 2 and "unrecognised format" in unknown.errors[0]
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert import_paths(db, [str(empty)]).exit_code == 2
    broken = tmp_path / "broken.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00garbage-not-deflate")
    assert import_paths(db, [str(broken)]).exit_code == 2


def test_forced_format_overrides_detection(db, tmp_path: Path) -> None:  # noqa: ANN001
    listing = tmp_path / "listing.data"
    shutil.copy(shared_data(*LISTING), listing)
    summary = import_paths(db, [str(listing)], format_name="kaggle")
    assert summary.counts.new == 0 and summary.counts.rejected > 0
    assert all("malformed JSON" in r.reason for r in summary.rejections)


def test_a_failing_batch_rolls_back_whole(db, tmp_path: Path) -> None:  # noqa: ANN001
    """A database error in the middle of a batch leaves none of that batch behind."""
    writer = BatchWriter(db)
    good = [encode_paper(_record(f"2401.{n:05d}", 1, f"Paper {n}")) for n in range(10)]
    writer.write(good[:5])
    poisoned = good[5:]
    poisoned[3] = list(poisoned[3])
    poisoned[3][3] = None  # a NULL title violates NOT NULL inside the insert
    with pytest.raises(Exception):
        writer.write(poisoned)
    assert _count(db, "SELECT COUNT(*) FROM papers") == 5
    assert _count(db, "SELECT COUNT(*) FROM paper_categories") == 0
    assert writer.write(good[5:]).new == 5


def test_duplicates_inside_one_batch_count_once_each(db) -> None:  # noqa: ANN001
    first = _record("2401.00009", 1, "Title")
    again = _record("2401.00009", 1, "Title", upvotes=4)
    counts = BatchWriter(db).write([encode_paper(first), encode_paper(first), encode_paper(again)])
    assert (counts.new, counts.unchanged, counts.updated) == (1, 1, 1)
    with db.read() as connection:
        assert get_paper(connection, "2401.00009").record.upvotes == 4


def test_parallel_parsing_matches_serial(tmp_path: Path, sqlite_db) -> None:  # noqa: ANN001
    from paperwire.store import Database
    lines = [_kaggle_line(f"0801.{n:04d}") for n in range(1, 4001)] + [b"{oops"]
    path = _write(tmp_path / "many.jsonl", lines)
    parallel = Importer(sqlite_db, workers=2, parallel_min_bytes=0).import_paths([path])
    serial_db = Database(f"sqlite:///{tmp_path / 'serial.db'}")
    serial_db.upgrade()
    serial = Importer(serial_db, workers=1).import_paths([path])
    assert parallel.counts == serial.counts
    assert parallel.counts.new == 4000 and parallel.counts.rejected == 1
    assert parallel.rejections[0].origin == f"{path}:4001"
    a, b = io.BytesIO(), io.BytesIO()
    export_jsonl(sqlite_db, a)
    export_jsonl(serial_db, b)
    assert a.getvalue() == b.getvalue()


def test_stats_count_distinct_papers(db) -> None:  # noqa: ANN001
    import_paths(db, [str(shared_data(*KAGGLE))])
    with db.read() as connection:
        stats = collect_stats(connection)
    assert stats["papers"] == 200
    assert stats["top_categories"][0] == {"category": "astro-ph", "papers": 19}
