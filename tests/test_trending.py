"""The trending score: a pure function whose breakdown explains itself."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from paperwire.rank.trending import (
    COMMENT_WEIGHT, DEFAULT_GRAVITY, OFFSET_HOURS, Signals, rank, score,
)

NOW = datetime(2025, 3, 1, 12, tzinfo=timezone.utc)
counts = st.integers(min_value=0, max_value=100_000)
hours = st.floats(min_value=0, max_value=24 * 365, allow_nan=False)
gravities = st.floats(min_value=0, max_value=5, allow_nan=False)


def signals(votes: int = 10, comments: int = 0, stars: int | None = None,
            age_hours: float = 5) -> Signals:
    return Signals(votes, comments, stars, NOW - timedelta(hours=age_hours))


def test_the_formula_and_its_one_line_explanation() -> None:
    breakdown = score(signals(votes=163, comments=4, stars=1023, age_hours=18), NOW)
    points = 163 + COMMENT_WEIGHT * 4 + 2.0 * 10  # log2(1 + 1023) = 10
    assert breakdown.points == pytest.approx(points)
    assert breakdown.score == pytest.approx(points / (18 + OFFSET_HOURS) ** DEFAULT_GRAVITY)
    assert breakdown.why() == (f"163 votes, 4 comments, 1.0k GitHub stars; listed 18 h ago; "
                               f"score {breakdown.score:.3g}")
    assert score(signals(votes=1, comments=1, age_hours=0.5), NOW).why().startswith(
        "1 vote, 1 comment; listed under an hour ago")


def test_gravity_zero_ranks_by_points_alone_and_bad_gravity_is_refused() -> None:
    old, new = signals(votes=20, age_hours=500), signals(votes=10, age_hours=1)
    assert [k for k, _ in rank([("old", old), ("new", new)], NOW, gravity=0)] == ["old", "new"]
    assert [k for k, _ in rank([("old", old), ("new", new)], NOW)] == ["new", "old"]
    with pytest.raises(ValueError):
        score(old, NOW, gravity=-1)


@given(votes=counts, extra=st.integers(1, 1000), comments=counts, age=hours, gravity=gravities)
def test_more_votes_never_rank_lower(votes, extra, comments, age, gravity) -> None:  # noqa: ANN001
    low = score(signals(votes, comments, None, age), NOW, gravity).score
    high = score(signals(votes + extra, comments, None, age), NOW, gravity).score
    assert high > low or (high == low == 0)  # both underflow only when hugely old


@given(votes=st.integers(1, 100_000), age=hours, later=st.floats(0.5, 1000), gravity=gravities)
def test_age_never_helps(votes, age, later, gravity) -> None:  # noqa: ANN001
    fresh = score(signals(votes, age_hours=age), NOW, gravity).score
    stale = score(signals(votes, age_hours=age + later), NOW, gravity).score
    assert stale <= fresh


@given(stars=st.integers(0, 10**9), more=st.integers(1, 10**6))
def test_stars_help_with_diminishing_returns(stars: int, more: int) -> None:
    base = score(signals(stars=stars), NOW).star_points
    assert score(signals(stars=stars + more), NOW).star_points > base or stars > 10**8


def test_rank_breaks_ties_by_votes_then_recency_then_key() -> None:
    same = signals(votes=0, age_hours=3)
    ranked = rank([("b", same), ("a", same), ("c", signals(votes=0, age_hours=1))], NOW)
    assert [key for key, _ in ranked] == ["c", "a", "b"]


def test_a_listing_in_the_future_counts_as_new() -> None:
    assert score(signals(age_hours=-5), NOW).age_hours == 0
