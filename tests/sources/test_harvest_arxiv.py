"""arXiv OAI-PMH harvests against the replay server, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

from sqlalchemy import text
from werkzeug import Response

from paperwire.sources import HarvestOptions, get_source, run_harvest
from paperwire.store import Database
from paperwire.store.harvest_runs import runs_of
from paperwire.store.papers import get_paper
from paperwire.store.source_state import load_state

from .replay import TESTDATA, Replay, oai_script, recording, xml_file

ALL_IDS = [f"0704.{n:04d}" for n in range(1, 12)]
NEWEST_DATESTAMP = "2015-05-13"  # the newest <datestamp> across the three pages


def harvest(db: Database, config, **options):  # noqa: ANN001, ANN201
    [report] = run_harvest(db, config, get_source("arxiv"), HarvestOptions(**options))
    return report


def paper_ids(db: Database) -> list[str]:
    with db.read() as connection:
        return connection.execute(text("SELECT id FROM papers ORDER BY id")).scalars().all()


def state(db: Database, key: str = "physics"):  # noqa: ANN201
    with db.read() as connection:
        return load_state(connection, "arxiv", key)


def test_three_pages_follow_resumption_tokens_and_set_the_watermark(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    replay.on("/oai", oai_script())
    report = harvest(db, make_config(db_url), from_day="2007-01-01")
    assert report.status == "ok", report.error
    assert (report.fetched, report.new, report.pages, report.deleted) == (11, 11, 3, 1)
    assert paper_ids(db) == ALL_IDS
    hits = replay.hits_to("/oai")
    assert hits[0].args == {"verb": "ListRecords", "metadataPrefix": "arXivRaw",
                            "set": "physics", "from": "2007-01-01"}
    assert [h.args.get("resumptionToken") for h in hits] == [None, "6960524|5", "6960524|9"]
    assert "harvest-tests@example.org" in hits[0].headers["User-Agent"]
    saved = state(db)
    assert saved.watermark == NEWEST_DATESTAMP and saved.cursor is None
    with db.read() as connection:
        paper = get_paper(connection, "0704.0001").record
        [run] = runs_of(connection, "arxiv")
    assert [v.version for v in paper.versions] == [1, 2]
    assert paper.published == "2007-04-02T19:18:42Z"
    assert paper.authors[:2] == ["C. Bal\\'azs", "E. L. Berger"]
    assert paper.journal_ref == "Phys.Rev.D76:013009,2007"
    assert (run["status"], run["fetched"], run["new"], run["pages"]) == ("ok", 11, 11, 3)
    assert run["watermark_after"] == NEWEST_DATESTAMP


def test_the_next_run_starts_at_the_watermark_and_duplicates_nothing(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    replay.on("/oai", oai_script())
    config = make_config(db_url)
    harvest(db, config, from_day="2007-01-01")
    second = harvest(db, config)
    assert replay.hits_to("/oai")[3].args["from"] == NEWEST_DATESTAMP  # inclusive: same day again
    assert (second.status, second.new, second.updated, second.unchanged) == ("ok", 0, 0, 11)
    assert paper_ids(db) == ALL_IDS


def test_503_with_retry_after_is_waited_out_then_the_page_succeeds(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    script = oai_script()
    script.queue("6960524|5", lambda: recording(TESTDATA / "oai" / "503_retry_after.json"))
    replay.on("/oai", script)
    report = harvest(db, make_config(db_url), from_day="2007-01-01")
    assert report.status == "ok" and report.retries == 1 and report.new == 11
    page2 = [h for h in replay.hits_to("/oai") if h.args.get("resumptionToken") == "6960524|5"]
    assert len(page2) == 2
    assert page2[1].at - page2[0].at >= 0.95  # Retry-After: 1


def test_a_truncated_page_stops_the_run_and_the_rerun_resumes_without_a_gap(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    script = oai_script()
    script.queue("6960524|5", lambda: xml_file(TESTDATA / "oai" / "page2_truncated.xml"))
    replay.on("/oai", script)
    config = make_config(db_url)
    failed = harvest(db, config, from_day="2007-01-01")
    assert failed.status == "failed" and failed.exit_code == 2
    assert "page 2 cannot be read" in failed.error and "malformed XML" in failed.error
    assert paper_ids(db) == ALL_IDS[:4]  # page 1 only: nothing of the broken page
    saved = state(db)
    assert saved.watermark is None and saved.cursor["token"] == "6960524|5"
    resumed = harvest(db, config)
    assert resumed.status == "ok" and resumed.new == 7 and resumed.unchanged == 0
    assert replay.hits_to("/oai")[-2].args == {"verb": "ListRecords",
                                               "resumptionToken": "6960524|5"}
    assert paper_ids(db) == ALL_IDS
    assert state(db).watermark == NEWEST_DATESTAMP


def test_bad_resumption_token_mid_run_fails_cleanly_and_the_next_run_starts_over(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    script = oai_script()
    script.queue("6960524|9", lambda: xml_file(TESTDATA / "oai" / "bad_resumption_token.xml"))
    replay.on("/oai", script)
    config = make_config(db_url)
    failed = harvest(db, config, from_day="2007-01-01")
    assert failed.status == "failed" and "badResumptionToken" in failed.error
    assert paper_ids(db) == ALL_IDS[:8]
    assert state(db).cursor is None and state(db).watermark is None
    again = harvest(db, config, from_day="2007-01-01")
    assert again.status == "ok" and again.new == 3 and again.unchanged == 8
    assert state(db).watermark == NEWEST_DATESTAMP


def test_an_expired_saved_token_restarts_the_list_in_the_same_run(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    script = oai_script()
    script.queue("6960524|5", lambda: xml_file(TESTDATA / "oai" / "page2_truncated.xml"),
                 lambda: xml_file(TESTDATA / "oai" / "bad_resumption_token.xml"))
    replay.on("/oai", script)
    config = make_config(db_url)
    assert harvest(db, config, from_day="2007-01-01").status == "failed"
    report = harvest(db, config)  # its saved token is now refused
    assert report.status == "ok", report.error
    tokens = [h.args.get("resumptionToken") for h in replay.hits_to("/oai")]
    assert tokens == [None, "6960524|5", "6960524|5", None, "6960524|5", "6960524|9"]
    assert replay.hits_to("/oai")[3].args["from"] == "2007-01-01"
    assert paper_ids(db) == ALL_IDS and state(db).watermark == NEWEST_DATESTAMP


def test_no_records_match_is_an_empty_successful_run(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    replay.on("/oai", lambda request: xml_file(TESTDATA / "oai" / "no_records_match.xml"))
    report = harvest(db, make_config(db_url), from_day="2030-01-01")
    assert (report.status, report.fetched, report.pages) == ("ok", 0, 1)
    assert paper_ids(db) == []


def test_a_run_that_starts_after_the_watermark_does_not_move_it(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    replay.on("/oai", lambda request: xml_file(TESTDATA / "oai" / "page3.xml"))
    config = make_config(db_url)
    first = harvest(db, config, from_day="2009-01-01", until_day="2010-12-31")
    assert first.watermark_after == "2010-03-18"  # the first harvest defines the start
    gap = harvest(db, config, from_day="2012-01-01")
    assert gap.status == "ok" and gap.watermark_after == "2010-03-18"  # else 2010-2012 is skipped


def test_a_late_arrival_with_an_old_submission_date_is_still_picked_up(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    """The arxiv-sanity-lite bug: a paper announced after newer ones were already seen.
    Page 3 holds papers submitted in 2007 with datestamps years later."""
    first_run = (TESTDATA / "oai" / "page1.xml").read_bytes().replace(
        b'<resumptionToken cursor="0" completeListSize="12">6960524|5</resumptionToken>',
        b"<resumptionToken/>")
    later_run = (TESTDATA / "oai" / "page3.xml").read_bytes()
    replay.on("/oai", lambda request: Response(
        first_run if request.args.get("from") == "2007-01-01" else later_run,
        content_type="text/xml"))
    config = make_config(db_url)
    harvest(db, config, from_day="2007-01-01")
    assert paper_ids(db) == ALL_IDS[:4]
    later = harvest(db, config)
    assert later.new == 3
    assert set(paper_ids(db)) >= {"0704.0009", "0704.0010", "0704.0011"}


def test_two_harvests_of_the_same_source_do_not_both_run(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    entered, release = threading.Event(), threading.Event()
    script = oai_script()

    def blocking_page1(request):  # noqa: ANN001, ANN202
        entered.set()
        release.wait(30)
        return xml_file(TESTDATA / "oai" / "page1.xml")

    script.defaults[None] = lambda: blocking_page1(None)
    replay.on("/oai", script)
    config = make_config(db_url)
    results = []
    first = threading.Thread(target=lambda: results.append(
        harvest(Database(db_url), config, from_day="2007-01-01")))
    first.start()
    try:
        assert entered.wait(30)
        second = harvest(db, config, from_day="2007-01-01")
        assert second.status == "busy" and second.exit_code == 75
        assert len(replay.hits_to("/oai")) == 1  # the second fetched nothing
    finally:
        release.set()
        first.join(60)
    assert results[0].status == "ok" and results[0].new == 11
    assert harvest(db, config).status == "ok"  # the lock is free again


def test_the_harvester_keeps_the_configured_spacing_between_pages(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    replay.on("/oai", oai_script())
    report = harvest(db, make_config(db_url, arxiv_request_interval=0.4), from_day="2007-01-01")
    assert report.status == "ok"
    arrivals = [hit.at for hit in replay.hits_to("/oai")]
    assert len(arrivals) == 3
    assert min(b - a for a, b in zip(arrivals, arrivals[1:])) >= 0.3  # arrival jitter (without spacing: ms)
