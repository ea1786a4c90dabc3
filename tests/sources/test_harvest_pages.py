"""Per-page records of a harvest run (harvest_pages), from a real multi-page OAI-PMH harvest
against the replay server, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import text

from paperwire.sources import HarvestOptions, HarvestReport, get_source, run_harvest
from paperwire.store import Database
from paperwire.store.harvest_pages import PAGE_COUNTS, pages_of

from .replay import TESTDATA, Replay, oai_script, recording, xml_file


def harvest(db: Database, config, **kwargs) -> HarvestReport:  # noqa: ANN001
    [report] = run_harvest(db, config, get_source("arxiv"),
                           HarvestOptions(from_day="2007-01-01"), **kwargs)
    return report


def pages(db: Database, run_id: int) -> list[dict]:
    with db.read() as connection:
        return pages_of(connection, run_id)


def harvest_with_page_two(db: Database, db_url: str, replay: Replay, make_config,  # noqa: ANN001
                          answer) -> HarvestReport:  # noqa: ANN001
    """A harvest of the replayed 3-page list whose page 2 is first answered by `answer`."""
    script = oai_script()
    script.queue("6960524|5", answer)
    replay.on("/oai", script)
    return harvest(db, make_config(db_url))


def test_one_row_per_page_whose_counts_sum_to_the_run(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    report = harvest_with_page_two(db, db_url, replay, make_config, lambda: recording(
        TESTDATA / "oai" / "503_retry_after.json"))
    assert report.status == "ok", report.error
    rows = pages(db, report.run_id)
    assert [r["number"] for r in rows] == [1, 2, 3] and report.pages == 3
    for name in PAGE_COUNTS:
        assert sum(r[name] for r in rows) == getattr(report, name), name
    assert [r["new"] for r in rows] == [4, 4, 3]
    assert [r["retries"] for r in rows] == [0, 1, 0]  # the 503 was on page 2
    assert all(r["seconds"] >= 0 and r["finished_at"] for r in rows)
    with db.read() as connection:
        run = connection.execute(text("SELECT fetched, new, retries FROM harvest_runs "
                                      "WHERE id = :id"), {"id": report.run_id}).one()
    assert tuple(run) == (sum(r["fetched"] for r in rows), 11, 1)


def test_a_failed_run_keeps_the_rows_of_the_pages_it_finished(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    report = harvest_with_page_two(db, db_url, replay, make_config, lambda: xml_file(
        TESTDATA / "oai" / "page2_truncated.xml"))
    assert report.status == "failed" and "page 2" in report.error
    [page1] = pages(db, report.run_id)
    assert (page1["number"], page1["fetched"], page1["new"]) == (1, 4, 4)


def test_an_interrupted_run_keeps_the_rows_of_the_pages_it_finished(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    replay.on("/oai", oai_script())

    def interrupt_after_page_2(report: HarvestReport) -> None:
        if report.pages == 2:
            raise KeyboardInterrupt

    report = harvest(db, make_config(db_url), progress=interrupt_after_page_2)
    assert report.status == "interrupted"
    assert [(r["number"], r["new"]) for r in pages(db, report.run_id)] == [(1, 4), (2, 4)]
    assert len(replay.hits_to("/oai")) == 2


def test_each_run_has_its_own_pages_and_deleting_a_run_deletes_them(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    replay.on("/oai", oai_script())
    config = make_config(db_url)
    first, second = harvest(db, config), harvest(db, config)
    assert [r["number"] for r in pages(db, second.run_id)] == [1, 2, 3]
    assert [r["unchanged"] for r in pages(db, second.run_id)] == [4, 4, 3]
    with db.write() as connection:
        connection.execute(text("DELETE FROM harvest_runs WHERE id = :id"),
                           {"id": first.run_id})
    assert pages(db, first.run_id) == []
    assert len(pages(db, second.run_id)) == 3

