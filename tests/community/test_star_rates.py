"""Stars gained per hour, from the stars history, in the trending score (where known)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from paperwire import lists
from paperwire.periods import parse_week
from paperwire.rank.trending import Signals, score
from paperwire.store.github_stars import record_stars
from paperwire.store.star_rates import stars_per_hour

from ..web.conftest import load

NOW = datetime(2025, 2, 25, 12, tzinfo=timezone.utc)
REPO = "https://github.com/example/quokka"


def test_hand_computed_score_with_a_star_rate() -> None:
    # 10 votes + 2 × log2(1 + 24 × 31/24 stars an hour = 32) = 10 + 2 × 5 = 20 points
    b = score(Signals(10, 0, 99_999, NOW - timedelta(hours=2), stars_per_hour=31 / 24), NOW, 1.0)
    assert b.star_points == pytest.approx(10.0) and b.score == pytest.approx(20 / 4)
    assert "+1.3 GitHub stars an hour" in b.why()
    for odd in (-5.0, float("nan"), float("inf")):
        odd_score = score(Signals(1, 0, 3, NOW, stars_per_hour=odd), NOW)
        assert odd_score.star_points >= 0 and odd_score.score == odd_score.score


def test_rates_come_from_the_last_week_of_observations(db) -> None:  # noqa: ANN001
    load(db)
    with db.write() as connection:
        record_stars(connection, REPO, 100, "2025-02-10T00:00:00Z")  # before the window
        record_stars(connection, REPO, 1000, "2025-02-24T00:00:00Z")
        record_stars(connection, REPO, 1360, "2025-02-25T12:00:00Z")  # +360 in 36 h
        record_stars(connection, "https://github.com/example/once", 5, "2025-02-25T00:00:00Z")
        record_stars(connection, "https://github.com/example/close", 5, "2025-02-25T11:00:00Z")
        record_stars(connection, "https://github.com/example/close", 50, "2025-02-25T11:30:00Z")
        rates = stars_per_hour(connection, [REPO, "https://github.com/example/once",
                                            "https://github.com/example/close", ""], NOW)
    assert rates == {REPO: pytest.approx(10.0)}
    page = lists.daily(db, parse_week("2025-W09"), now=NOW)
    quokka = next(e for e in page.entries if e.card.github_repo == REPO)
    assert "+10 GitHub stars an hour" in quokka.why
