"""Votes and stars over time: recorded on import (real SQLite and PostgreSQL), idempotent,
and drawn as a chart on the paper's page."""

from __future__ import annotations

from paperwire.formats.base import Parsed
from paperwire.ingest import Importer, ImportSummary
from paperwire.records import Listing, PaperRecord
from paperwire.store.metrics import MetricPoint, history
from paperwire.web.chart import line_chart


def hf_record(day: str, upvotes: int | None, stars: int | None = None) -> PaperRecord:
    return PaperRecord(title="Tracked paper", arxiv_id="2505.00001", upvotes=upvotes,
                       github_stars=stars, listings=[Listing(day, "hf")])


def load(db, *records: PaperRecord) -> None:  # noqa: ANN001
    Importer(db).import_results([Parsed(f"t:{i}", r) for i, r in enumerate(records)],
                                ImportSummary())


def test_each_observation_is_kept_by_day_and_reimports_change_nothing(db) -> None:  # noqa: ANN001
    load(db, hf_record("2025-05-01", 3, 10))
    load(db, hf_record("2025-05-03", 9))
    load(db, hf_record("2025-05-03", 7, 12))  # a lower count seen later that day
    load(db, hf_record("2025-05-01", 3, 10), hf_record("2025-05-03", 9))  # the same again
    with db.read() as connection:
        assert history(connection, "2505.00001") == [
            MetricPoint("2025-05-01", 3, 10), MetricPoint("2025-05-03", 9, 12)]


def test_records_without_counts_record_nothing(db) -> None:  # noqa: ANN001
    load(db, PaperRecord(title="No counts", arxiv_id="2505.00002"))
    with db.read() as connection:
        assert history(connection, "2505.00002") == []


def test_one_batch_with_the_same_paper_twice_keeps_the_higher_counts(db) -> None:  # noqa: ANN001
    load(db, hf_record("2025-05-04", 5, None), hf_record("2025-05-04", 2, 40))
    with db.read() as connection:
        assert history(connection, "2505.00001") == [MetricPoint("2025-05-04", 5, 40)]


def test_the_paper_page_draws_the_votes(db) -> None:  # noqa: ANN001
    from .web.conftest import make_client
    load(db, hf_record("2025-05-01", 3), hf_record("2025-05-02", 30))
    with make_client(db) as client:
        page = client.get("/papers/2505.00001").text
    assert "<title>Upvotes: 3 on 2025-05-01, 30 on 2025-05-02</title>" in page
    assert "Upvotes, by the day they were seen" in page and "GitHub stars, by" not in page


def test_a_chart_needs_two_points_and_escapes_its_text() -> None:
    assert line_chart("x", [("2025-01-01", 1)]) is None
    svg = line_chart("<b>", [("<i>", 1), ("2025-01-02", 1)])
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "&lt;i&gt;" in svg
