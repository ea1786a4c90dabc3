"""An open trending score, in the spirit of Hacker News and Papers with Code.

A paper's *points* add up what people did with it; its *age* pulls it down:

    points = votes + COMMENT_WEIGHT * comments + STAR_WEIGHT * log2(1 + stars)
    score  = points / (age_hours + OFFSET_HOURS) ** gravity

    where, once the stars history knows how fast a repository gains stars, `stars` is the
    stars it gains in a day at that pace (STAR_RATE_HOURS × stars gained per hour).

- votes: the upvotes imported with the paper (Hugging Face) plus local votes;
- comments: imported plus local comments, worth less than a vote each;
- stars: its GitHub stars, on a log scale, so that a famous repository helps without
  drowning everything else; stars *gained per hour* (over the last week of observations)
  replace the total where the history has them, so that momentum counts, not fame;
- age: hours since the paper was first listed (or published, if never listed) before
  `now`; OFFSET_HOURS keeps a brand-new paper from dividing by zero;
- gravity (the `trending_gravity` setting): how fast age wins. 0 ranks by points alone;
  HN uses 1.8.

The function is pure: the same inputs and `now` give the same score, and `Breakdown.why()`
prints the one-line explanation shown next to each paper.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

DEFAULT_GRAVITY = 1.8
COMMENT_WEIGHT = 0.5
STAR_WEIGHT = 2.0
OFFSET_HOURS = 2.0
STAR_RATE_HOURS = 24.0


@dataclass(frozen=True)
class Signals:
    """What the score is computed from."""

    votes: int
    comments: int
    stars: int | None
    listed_at: datetime  # first listed (or published); timezone-aware
    stars_per_hour: float | None = None  # from the stars history, where known


@dataclass(frozen=True)
class Breakdown:
    votes: int
    comments: int
    stars: int | None
    vote_points: float
    comment_points: float
    star_points: float
    age_hours: float
    gravity: float
    score: float
    stars_per_hour: float | None = None

    @property
    def points(self) -> float:
        return self.vote_points + self.comment_points + self.star_points

    def why(self) -> str:
        """One line: what earned the points, how old it is, and the score."""
        parts = [_plural(self.votes, "vote"), _plural(self.comments, "comment")]
        if self.stars_per_hour is not None:
            parts.append(f"+{self.stars_per_hour:.2g} GitHub stars an hour")
        elif self.stars:
            parts.append(f"{compact(self.stars)} GitHub stars")
        return (f"{', '.join(parts)}; listed {_age(self.age_hours)} ago; "
                f"score {self.score:.3g}")


def score(signals: Signals, now: datetime, gravity: float = DEFAULT_GRAVITY) -> Breakdown:
    if gravity < 0 or not math.isfinite(gravity):
        raise ValueError(f"gravity must be a finite number >= 0, got {gravity}")
    votes, comments = max(signals.votes, 0), max(signals.comments, 0)
    stars = max(signals.stars, 0) if signals.stars is not None else None
    vote_points = float(votes)
    comment_points = COMMENT_WEIGHT * comments
    rate = signals.stars_per_hour
    if rate is not None and math.isfinite(rate):
        rate = max(rate, 0.0)
        star_points = STAR_WEIGHT * math.log2(1 + STAR_RATE_HOURS * rate)
    else:
        rate = None
        star_points = STAR_WEIGHT * math.log2(1 + stars) if stars else 0.0
    age_hours = max((_aware(now) - _aware(signals.listed_at)).total_seconds() / 3600, 0.0)
    points = vote_points + comment_points + star_points
    value = points / (age_hours + OFFSET_HOURS) ** gravity
    return Breakdown(votes, comments, stars, vote_points, comment_points, star_points,
                     age_hours, gravity, value, rate)


def rank(items: Iterable[tuple[Hashable, Signals]], now: datetime,
         gravity: float = DEFAULT_GRAVITY) -> list[tuple[Hashable, Breakdown]]:
    """Highest score first; ties go to more votes, then the newer paper, then the key."""
    scored = [(key, score(signals, now, gravity), signals.listed_at) for key, signals in items]
    scored.sort(key=lambda item: str(item[0]))
    scored.sort(key=lambda item: (item[1].score, item[1].votes, _aware(item[2])), reverse=True)
    return [(key, breakdown) for key, breakdown, _ in scored]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _plural(count: int, word: str) -> str:
    return f"{compact(count)} {word}{'' if count == 1 else 's'}"


def compact(count: int) -> str:
    if count >= 10_000:
        return f"{count / 1000:.0f}k"
    if count >= 1_000:
        return f"{count / 1000:.1f}k"
    return str(count)


def _age(hours: float) -> str:
    if hours < 1:
        return "under an hour"
    if hours < 48:
        return f"{hours:.0f} h"
    return f"{hours / 24:.0f} days"
