"""The digest's picks for a subscriber who is also a signed-in reader (same email): the
For you recommender, ranking the digest's candidates (its period's pool)."""

from __future__ import annotations

import threading
from dataclasses import replace

import numpy as np

from ..config import Config
from ..search.semantic import embedder_for
from ..search.vectors import day_number
from ..store import Database
from ..store import embeddings as stored
from ..store.daily import PaperCard
from ..store.users import user_by_email
from .feed import recommend
from .pool import RecentPool
from .profile import load_profile

FALLBACK_REASONS = ("new this week", "new in your window")


class DigestRecommender:
    """Called per subscriber by the digest's Composer: paper id -> (score, reason) for the
    reader's picks among `cards`, or None when the address belongs to no reader with a
    profile (the digest then matches interests as before)."""

    def __init__(self, db: Database, config: Config):
        self.db, self.config = db, config
        self._pools: dict[tuple[str, ...], RecentPool] = {}
        self._lock = threading.Lock()

    def _pool(self, cards: list[PaperCard]) -> RecentPool:
        key = tuple(sorted(c.id for c in cards))
        with self._lock:
            if key not in self._pools:
                model = embedder_for(self.config).key
                with self.db.read() as connection:
                    vectors = stored.vectors_for(connection, model, list(key))
                ids = [i for i in key if i in vectors]
                day = {c.id: day_number(c.published) for c in cards}
                self._pools[key] = RecentPool(
                    ids, np.stack([vectors[i] for i in ids]) if ids else
                    np.zeros((0, 384), dtype=np.float32),
                    np.array([max(day[i], 0) for i in ids], dtype=np.int32))
            return self._pools[key]

    def __call__(self, email: str, cards: list[PaperCard]) -> dict[str, tuple[float, str]] | None:
        with self.db.read() as connection:
            user = user_by_email(connection, email)
        if user is None:
            return None
        profile = load_profile(self.db, user.id)
        if not (profile.signals or profile.interests or profile.follows):
            return None
        pool = self._pool(cards)
        if not len(pool):
            return None
        # every candidate is in the window: the digest chose the period already
        config = replace(self.config, values={**self.config.values,
                                              "recommend_window_days": 36500})
        feed = recommend(self.db, config, user.id, limit=len(pool), profile=profile, pool=pool)
        picks: dict[str, tuple[float, str]] = {}
        for rank, item in enumerate(feed.items):
            reasons = [r for r in item.reasons if r not in FALLBACK_REASONS]
            if reasons:
                picks[item.card.id] = (2.0 - rank / 1000, "for you: " + "; ".join(reasons))
        return picks
