"""More of the open trending score (issue 5): values computed by hand, and properties of
the ranking as a whole (tests/test_trending.py covers the single score)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from paperwire.rank.trending import Signals, rank, score

NOW = datetime(2025, 3, 1, 12, tzinfo=timezone.utc)


def at(votes: int, comments: int = 0, stars: int | None = None, age: float = 0) -> Signals:
    return Signals(votes, comments, stars, NOW - timedelta(hours=age))


@pytest.mark.parametrize(("signals", "gravity", "expected"), [
    # 10 votes + 0.5 × 2 comments + 2 × log2(1 + 3) stars = 15 points
    (at(10, 2, 3, age=2), 1.0, 15 / 4),         # (2 h + 2) ** 1
    (at(10, 2, 3, age=2), 2.0, 15 / 16),        # (2 h + 2) ** 2
    (at(10, 2, 3, age=6), 1.8, 0.355244),       # 8 ** 1.8 = 2 ** 5.4 = 42.2243
    (at(0, 0, None, age=1), 1.8, 0.0),          # nothing done with it: no points
    (at(100, 0, 0, age=0), 0.0, 100.0),         # gravity 0: points alone
    (at(1, 0, 255, age=22), 1.0, (1 + 16) / 24),  # log2(256) = 8 → 16 points
])
def test_hand_computed_scores(signals: Signals, gravity: float, expected: float) -> None:
    assert score(signals, NOW, gravity).score == pytest.approx(expected, rel=1e-5)


def test_the_breakdown_adds_up() -> None:
    b = score(at(10, 2, 3, age=2), NOW, 1.0)
    assert (b.vote_points, b.comment_points, b.star_points, b.points, b.age_hours) == (
        10.0, 1.0, 4.0, 15.0, 2.0)


papers = st.lists(st.tuples(st.integers(0, 500), st.integers(0, 50),
                            st.one_of(st.none(), st.integers(0, 10_000)),
                            st.floats(0, 24 * 30, allow_nan=False)), min_size=1, max_size=30)


@given(papers, st.randoms(use_true_random=False), st.floats(0, 3, allow_nan=False))
def test_ties_are_broken_stably_whatever_the_input_order(items, shuffler, gravity) -> None:  # noqa: ANN001
    keyed = [(f"p{i}", at(*item)) for i, item in enumerate(items)]
    once = [key for key, _ in rank(keyed, NOW, gravity)]
    shuffled = list(keyed)
    shuffler.shuffle(shuffled)
    assert [key for key, _ in rank(shuffled, NOW, gravity)] == once


@given(papers, st.data())
def test_an_extra_vote_never_moves_a_paper_down(items, data) -> None:  # noqa: ANN001
    keyed = [(f"p{i}", at(*item)) for i, item in enumerate(items)]
    chosen = data.draw(st.integers(0, len(keyed) - 1))
    before = [key for key, _ in rank(keyed, NOW)].index(f"p{chosen}")
    votes, comments, stars, age = items[chosen]
    keyed[chosen] = (f"p{chosen}", at(votes + 1, comments, stars, age))
    after = [key for key, _ in rank(keyed, NOW)].index(f"p{chosen}")
    assert after <= before


@given(st.integers(1, 10_000), st.integers(0, 100), st.floats(0, 1000, allow_nan=False),
       st.floats(0.1, 1000, allow_nan=False), st.floats(0.1, 5, allow_nan=False))
def test_the_score_decays_strictly_with_age(votes, comments, age, later, gravity) -> None:  # noqa: ANN001
    fresh = score(at(votes, comments, age=age), NOW, gravity).score
    stale = score(at(votes, comments, age=age + later), NOW, gravity).score
    assert stale < fresh or stale == fresh == 0.0


@given(st.integers(0, 10_000), st.integers(0, 100), st.integers(1, 100),
       st.floats(0, 1000, allow_nan=False))
def test_more_comments_never_lower_the_score(votes, comments, extra, age) -> None:  # noqa: ANN001
    assert score(at(votes, comments + extra, age=age), NOW).score >= \
        score(at(votes, comments, age=age), NOW).score
