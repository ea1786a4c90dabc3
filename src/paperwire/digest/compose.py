"""What goes in one subscriber's digest for a period.

The period's trending papers (filtered by the subscriber's categories) and personal picks
matched to their interests and keywords, each with a one-line reason; papers sent to them
before are left out. The candidates of a window are read and ranked once per run (`Pool`),
so composing for thousands of subscribers reads the database a handful of times.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..lists import end_of, parse_moment, utc_now
from ..rank import trending as trending_score
from ..store import Database
from ..store.daily import PaperCard, latest_day, listed_in, ordered_cards
from .interests import (
    InterestMatcher, KeywordMatcher, keyword_hit, keyword_phrases, phrase_text,
)
from .preferences import Preferences
from .schedule import period_last_day

WINDOW_DAYS = {"day": 3, "week": 7}  # a daily digest looks back over a weekend's gap
# email, candidates -> paper id -> (score, reason), or None for "not a reader we know"
Recommender = Callable[[str, list[PaperCard]], "dict[str, tuple[float, str]] | None"]


@dataclass
class Pick:
    card: PaperCard
    reason: str  # one line: why it is in this digest
    personal: bool


@dataclass
class Digest:
    subscriber_id: int
    email: str
    period: str
    picks: list[Pick] = field(default_factory=list)
    trending: list[Pick] = field(default_factory=list)
    first_day: date | None = None
    last_day: date | None = None

    @property
    def papers(self) -> list[Pick]:
        return self.picks + self.trending

    @property
    def paper_ids(self) -> list[str]:
        return [pick.card.id for pick in self.papers]

    @property
    def empty(self) -> bool:
        return not self.picks and not self.trending


@dataclass
class Pool:
    """The candidate papers of one window, best trending first."""

    first: date | None
    last: date | None
    cards: list[PaperCard]
    why: dict[str, str]  # paper id -> trending breakdown in one line
    phrases: dict[str, str] = field(default_factory=dict)
    category_keys: dict[str, frozenset[str]] = field(default_factory=dict)

    def in_categories(self, card: PaperCard, wanted: set[str]) -> bool:
        """Whether a card is in one of the categories (or archives, like "cs"). A paper
        whose categories are unknown (Hugging Face listings carry none) is kept rather
        than silently dropped."""
        if card.id not in self.category_keys:
            self.category_keys[card.id] = frozenset(
                key for c in card.categories for key in (c, c.split(".")[0]))
        keys = self.category_keys[card.id]
        return not keys or not keys.isdisjoint(wanted)

    def phrase(self, card: PaperCard) -> str:
        if card.id not in self.phrases:
            self.phrases[card.id] = phrase_text(card.title + " " + card.abstract)
        return self.phrases[card.id]


def load_pool(db: Database, kind: str, through: date, *, size: int, gravity: float,
              now: datetime) -> Pool:
    with db.read() as connection:
        last = latest_day(connection, through)
        if last is None:
            return Pool(None, None, [], {})
        first = last - timedelta(days=WINDOW_DAYS[kind] - 1)
        listed = listed_in(connection, first, last)
        ranked = trending_score.rank(
            ((paper.id, trending_score.Signals(paper.votes, paper.comments, paper.stars,
                                               parse_moment(paper.listed_at)))
             for paper in listed), min(now, end_of(last)), gravity)[:size]
        cards = ordered_cards(connection, [key for key, _ in ranked], with_listing=False)
    return Pool(first, last, cards, {key: _popularity(b) for key, b in ranked})


def _popularity(breakdown: trending_score.Breakdown) -> str:
    parts = [f"{trending_score.compact(breakdown.votes)} vote{'s' * (breakdown.votes != 1)}"]
    if breakdown.comments:
        parts.append(f"{trending_score.compact(breakdown.comments)} "
                     f"comment{'s' * (breakdown.comments != 1)}")
    if breakdown.stars:
        parts.append(f"{trending_score.compact(breakdown.stars)} GitHub stars")
    return ", ".join(parts)


class Composer:
    """Composes digests for one run; pools and matcher caches live as long as it does."""

    def __init__(self, db: Database, *, matcher: InterestMatcher | None = None,
                 pool_size: int = 300, gravity: float = trending_score.DEFAULT_GRAVITY,
                 now: datetime | None = None, recommender: Recommender | None = None):
        self.db, self.pool_size, self.gravity = db, pool_size, gravity
        self.matcher = matcher or KeywordMatcher()
        self.recommender = recommender  # signed-in readers get the For you picks
        self.now = now or utc_now()
        self._pools: dict[tuple[str, date], Pool] = {}

    def pool(self, period: str) -> Pool:
        kind = "week" if "-W" in period else "day"
        through = min(period_last_day(period), self.now.date())
        key = (kind, through)
        if key not in self._pools:
            self._pools[key] = load_pool(self.db, kind, through, size=self.pool_size,
                                         gravity=self.gravity, now=self.now)
        return self._pools[key]

    def prepare(self, wanted: list[tuple[str, Preferences]]) -> None:
        """Before composing a batch of (period, preferences): let a matcher that can score
        many interests at once do so."""
        prefetch = getattr(self.matcher, "prefetch", None)
        if prefetch is None:
            return
        by_period: dict[str, list[str]] = {}
        for period, preferences in wanted:
            by_period.setdefault(period, []).extend(preferences.interests)
        for period, interests in by_period.items():
            if interests:
                prefetch(interests, self.pool(period).cards)

    def compose(self, subscriber_id: int, email: str, preferences: Preferences, period: str,
                already_sent: set[str] | frozenset[str] = frozenset()) -> Digest:
        pool = self.pool(period)
        digest = Digest(subscriber_id, email, period, first_day=pool.first, last_day=pool.last)
        fresh = [card for card in pool.cards if card.id not in already_sent]
        if not fresh:
            return digest
        reasons: dict[str, tuple[float, str]] = {}
        picked = self.recommender(email, pool.cards) if self.recommender else None
        if picked:
            reasons.update(picked)
        if preferences.interests:
            for paper_id, match in self.matcher.match(preferences.interests, pool.cards).items():
                if paper_id not in reasons:
                    reasons[paper_id] = (match.score, f"matches your interest '{match.interest}'")
        if preferences.keywords:
            phrases = keyword_phrases(preferences.keywords)
            for card in fresh:
                hit = keyword_hit(phrases, pool.phrase(card))
                if hit is not None and card.id not in reasons:
                    reasons[card.id] = (1.0, f"mentions your keyword '{hit}'")
        rank = {card.id: index for index, card in enumerate(pool.cards)}
        personal = sorted((card for card in fresh if card.id in reasons),
                          key=lambda card: (-reasons[card.id][0], rank[card.id]))
        wanted = set(preferences.categories)
        popular = [card for card in fresh if card.id not in reasons
                   and (not wanted or pool.in_categories(card, wanted))]
        count = preferences.count
        picks = min(len(personal), max(count - len(popular), math.ceil(count / 2)))
        digest.picks = [Pick(card, reasons[card.id][1], True) for card in personal[:picks]]
        digest.trending = [Pick(card, "trending: " + pool.why.get(card.id, ""), False)
                           for card in popular[:count - picks]]
        return digest
