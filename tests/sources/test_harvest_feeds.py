"""arxiv-rss (listing feeds) and hf (daily papers) against the replay server."""

from __future__ import annotations

from werkzeug import Request, Response

from paperwire.ingest import BatchWriter
from paperwire.records import PaperRecord, Version
from paperwire.sources import HarvestOptions, get_source, run_harvest
from paperwire.store import Database
from paperwire.store.papers import encode_paper, get_paper
from paperwire.store.source_state import load_state

from .replay import FORMATS_TESTDATA, TESTDATA, Replay, xml_file


def harvest(db: Database, config, source: str, **options):  # noqa: ANN001, ANN201
    [report] = run_harvest(db, config, get_source(source), HarvestOptions(**options))
    return report


def paper(db: Database, key: str) -> PaperRecord | None:
    with db.read() as connection:
        found = get_paper(connection, key)
    return found.record if found else None


# --- arXiv listing feeds -------------------------------------------------------------------

def feed_server(replay: Replay) -> None:
    def handler(request: Request) -> Response:
        name = request.path.rsplit("/", 1)[-1]
        path = TESTDATA / "rss" / f"{name}.xml"
        if not path.exists():
            return Response("Not Found", status=404)
        if request.headers.get("If-None-Match") == f'"{name}-1"':
            return Response(status=304)
        return xml_file(path, headers={"ETag": f'"{name}-1"'})
    for name in ("cs", "cs_atom", "broken"):
        replay.on(f"/rss/{name}", handler)


def test_the_listing_feed_adds_todays_papers_with_their_day(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    feed_server(replay)
    config = make_config(db_url, arxiv_rss_feeds="cs")
    report = harvest(db, config, "arxiv-rss")
    assert (report.status, report.new, report.rejected) == ("ok", 3, 1)
    assert "not an arXiv id" in report.rejections[0].reason
    new, cross, replaced = (paper(db, k) for k in ("2607.30001", "2607.30002", "2501.00001"))
    assert [(x.day, x.source) for x in new.listings] == [("2026-07-20", "arxiv")]
    assert new.authors == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert new.abstract.startswith("We study how sparse") and new.categories == ["cs.LG", "cs.CL"]
    assert new.license == "http://creativecommons.org/licenses/by/4.0/"
    assert [x.day for x in cross.listings] == ["2026-07-20"]
    assert cross.authors == ['Emmy Noether', "John von Neumann"]
    assert replaced.listings == [] and replaced.latest_version == 3
    with db.read() as connection:
        assert load_state(connection, "arxiv-rss", "cs").watermark == "2026-07-20"
    again = harvest(db, config, "arxiv-rss")
    assert (again.status, again.not_modified, again.fetched) == ("ok", 1, 0)
    assert replay.hits[-1].headers["If-None-Match"] == '"cs-1"'


def test_the_atom_variant_of_the_feed(db: Database, db_url: str, replay: Replay,
                                      make_config) -> None:  # noqa: ANN001
    feed_server(replay)
    report = harvest(db, make_config(db_url), "arxiv-rss", key="cs_atom")
    assert (report.status, report.new) == ("ok", 2)
    assert [x.day for x in paper(db, "2607.31003").listings] == ["2026-07-21"]
    assert paper(db, "2406.00002").listings == []


def test_a_missing_or_unreadable_feed_fails_and_stores_nothing(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    feed_server(replay)
    missing = harvest(db, make_config(db_url), "arxiv-rss", key="no-such-feed")
    assert missing.status == "failed" and "HTTP 404" in missing.error
    truncated = (TESTDATA / "rss" / "cs.xml").read_bytes()[:2500]
    replay.on("/rss/broken", lambda request: Response(truncated, content_type="text/xml"))
    broken = harvest(db, make_config(db_url), "arxiv-rss", key="broken")
    assert broken.status == "failed" and "cannot be read" in broken.error
    assert broken.new == 0 and paper(db, "2607.30001") is None


# --- Hugging Face daily papers -------------------------------------------------------------

def hf_server(replay: Replay, overrides: dict[str, bytes] | None = None) -> None:
    def handler(request: Request) -> Response:
        day = request.args.get("date", "")
        if overrides and day in overrides:
            return Response(overrides[day], content_type="application/json")
        path = FORMATS_TESTDATA / "hf_api" / f"{day}.json"
        if request.headers.get("If-None-Match") == f'"{day}"':
            return Response(status=304)
        return Response(path.read_bytes() if path.exists() else b"[]",
                        content_type="application/json", headers={"ETag": f'"{day}"'})
    replay.on("/api/daily_papers", handler)


def test_each_quirk_format_of_the_hf_api_is_read_with_the_requested_day(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    hf_server(replay)
    config = make_config(db_url)
    expected = {"2024-05-27": ("2405.15738", 2), "2024-12-11": ("2412.07730", 2),
                "2025-01-10": ("2501.05441", 3), "2026-08-21": ("2608.19880", 2)}
    for day, (arxiv_id, count) in expected.items():
        report = harvest(db, config, "hf", from_day=day, until_day=day)
        assert (report.status, report.new, report.rejected) == ("ok", count, 0), day
        record = paper(db, arxiv_id)
        assert ("hf", day) in [(x.source, x.day) for x in record.listings]
        assert record.upvotes is not None
    assert paper(db, "2608.19880").github_repo == "https://github.com/google-research/envharness"


def test_a_range_of_days_moves_the_watermark_and_the_next_run_uses_etags(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    hf_server(replay)
    config = make_config(db_url)
    report = harvest(db, config, "hf", from_day="2024-05-26", until_day="2024-05-28")
    assert (report.pages, report.new) == (3, 2)
    assert [h.args["date"] for h in replay.hits] == ["2024-05-26", "2024-05-27", "2024-05-28"]
    with db.read() as connection:
        assert load_state(connection, "hf", "").watermark == "2024-05-28"
    again = harvest(db, config, "hf", from_day="2024-05-27", until_day="2024-05-27")
    assert again.not_modified == 1 and again.fetched == 0


def test_community_signals_never_overwrite_arxiv_metadata(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    arxiv_record = PaperRecord(title="The arXiv Title", abstract="The arXiv abstract.",
                               arxiv_id="2405.15738", authors=["A. Author"],
                               versions=[Version(1, "2024-05-24T17:34:15Z")])
    BatchWriter(db).write([encode_paper(arxiv_record)])
    hf_server(replay)
    harvest(db, make_config(db_url), "hf", from_day="2024-05-27", until_day="2024-05-27")
    record = paper(db, "2405.15738")
    assert (record.title, record.abstract, record.authors) == (
        "The arXiv Title", "The arXiv abstract.", ["A. Author"])
    assert record.upvotes == 32 and [x.source for x in record.listings] == ["hf"]


def test_a_malformed_day_stops_the_run_after_the_days_before_it(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    hf_server(replay, {"2024-05-28": b'[{"paper": {"id": "2405.1'})
    report = harvest(db, make_config(db_url), "hf", from_day="2024-05-27",
                     until_day="2024-05-29")
    assert report.status == "failed" and "2024-05-28" in report.error
    assert "malformed JSON" in report.error and report.new == 2
    with db.read() as connection:
        assert load_state(connection, "hf", "").watermark == "2024-05-27"


def test_invalid_utf8_in_a_response_is_repaired_not_fatal(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    raw = (FORMATS_TESTDATA / "hf_api" / "2024-05-27.json").read_bytes()
    damaged = raw.replace(b"Meteor", b"Mete\xffor", 1)
    assert damaged != raw
    hf_server(replay, {"2024-05-27": damaged})
    report = harvest(db, make_config(db_url), "hf", from_day="2024-05-27",
                     until_day="2024-05-27")
    assert (report.status, report.new, report.repaired) == ("ok", 2, 1)
