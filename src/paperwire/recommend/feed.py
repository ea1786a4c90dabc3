"""The "For you" list: recent papers ranked for one reader, each with why.

1. Candidates: the pool's last N days, minus papers the reader already judged.
2. First stage, over all of them at once: the reader's model on the vectors (if they have
   positive papers), plus closeness to their written interests (embedded once per process).
3. Shortlist the best `shortlist`, add the newest papers by followed authors and in
   followed categories, and re-rank: text model, authors of their library, follows.
4. Explain each pick in words.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import text

from ..author_keys import author_key
from ..config import Config
from ..search.semantic import embedder_for
from ..store import Database, paper_authors
from ..store.daily import PaperCard, cards
from ..store.user_follows import follows_of  # noqa: F401 - re-exported for views
from .model import embedding_scores, rerank_scores
from .pool import POOLS, RecentPool
from .profile import Profile, Trained, load_profile, model_for
from .text import term_frequencies, terms

INTEREST_WEIGHT = 8.0  # cosine to an interest, 0.3 .. 0.6 typically, into score units
INTEREST_MATCH = 0.35  # at or above: "matches your interest"
LIBRARY_CLOSE = 0.5  # at or above: counts as "close to" a paper of the library
FOLLOWED_AUTHOR_BONUS = 2.0
FOLLOWED_CATEGORY_BONUS = 1.0
FOLLOWED_EXTRA = 50  # newest papers added per follow


@dataclass
class Recommendation:
    card: PaperCard
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass
class Feed:
    items: list[Recommendation]
    candidates: int  # papers in the window before ranking
    personal: bool  # ranked by a model or interests, not just newest
    trained_now: bool = False


_interest_vectors: dict[tuple[str, str], np.ndarray] = {}
_interest_lock = threading.Lock()


def interest_vectors(config: Config, interests: list[str]) -> np.ndarray:
    embedder = embedder_for(config)
    missing = [i for i in interests if (embedder.key, i) not in _interest_vectors]
    if missing:
        found = embedder.encode(missing)
        with _interest_lock:
            if len(_interest_vectors) > 10000:
                _interest_vectors.clear()
            for interest, vector in zip(missing, found):
                _interest_vectors[(embedder.key, interest)] = vector
    return np.stack([_interest_vectors[(embedder.key, i)] for i in interests]) if interests \
        else np.zeros((0, 384), dtype=np.float32)


def recommend(db: Database, config: Config, user_id: int, *, limit: int = 20,
              offset: int = 0, profile: Profile | None = None,
              pool: RecentPool | None = None, persist: bool = True) -> Feed:
    """The reader's list; `persist=False` (GETs) keeps a freshly trained model in this
    process instead of writing it."""
    embedding_model = embedder_for(config).key
    profile = profile or load_profile(db, user_id)
    pool = pool if pool is not None else POOLS.get(db, embedding_model,
                                                   config.recommend_window_days)
    trained = model_for(db, profile, embedding_model, pool,
                        background=config.recommend_background, persist=persist)
    judged = set(profile.latest())
    rows = pool.window(config.recommend_window_days)
    matrix = pool.rows_matrix(rows)  # a view, not a copy, when the window is contiguous
    first = np.zeros(len(rows))
    if trained.model is not None and len(rows):
        first = embedding_scores(trained.model, matrix).astype(np.float64)
    interests = interest_vectors(config, profile.interests)
    combined = _z(first)
    if len(interests) and len(rows):
        combined += INTEREST_WEIGHT * np.clip((matrix @ interests.T).max(axis=1) - 0.2, 0, None)
    judged_at = np.searchsorted(rows, np.array([pool.rows[p] for p in judged if p in pool.rows],
                                               dtype=np.int64))
    judged_at = judged_at[(judged_at < len(rows))]
    judged_at = np.array([j for j in judged_at if pool.ids[rows[j]] in judged], dtype=np.int64)
    combined[judged_at] = -np.inf
    count = len(rows) - len(judged_at)
    wanted = min(config.recommend_shortlist, count)
    order = np.zeros(0, dtype=np.int64)
    if wanted > 0:
        top = np.argpartition(-combined, wanted - 1)[:wanted]
        order = top[np.argsort(-combined[top], kind="stable")]
    shortlist = [pool.ids[rows[j]] for j in order]
    followed = _followed_papers(db, profile, pool, judged, config.recommend_window_days)
    shortlist += [p for p in followed if p not in set(shortlist)]
    with db.read() as connection:
        found = cards(connection, shortlist, with_listing=False)
    shortlist = [p for p in shortlist if p in found]
    if not shortlist:
        return Feed([], count, False, trained.trained_now)
    position = {pool.ids[rows[j]]: int(j) for j in order}
    vectors = np.stack([pool.matrix[pool.rows[p]] for p in shortlist])
    vector_scores = np.array([first[position[p]] if p in position else
                              (float(embedding_scores(trained.model, vectors[i:i + 1])[0])
                               if trained.model else 0.0) for i, p in enumerate(shortlist)])
    words = [paper_terms(found[p]) for p in shortlist]
    authors = [found[p].authors for p in shortlist]
    score = rerank_scores(trained.model, vector_scores, words, authors) if trained.model \
        else np.zeros(len(shortlist))
    interest_close = vectors @ interests.T if len(interests) else None
    if interest_close is not None:
        score = score + INTEREST_WEIGHT * np.clip(interest_close.max(axis=1) - 0.2, 0, None)
    wanted_authors = {author_key(name) for name in profile.followed_authors}
    wanted_categories = set(profile.followed_categories)
    for i, paper_id in enumerate(shortlist):
        card = found[paper_id]
        if _by_followed(card, wanted_authors):
            score[i] += FOLLOWED_AUTHOR_BONUS
        if _in_followed(card, wanted_categories):
            score[i] += FOLLOWED_CATEGORY_BONUS
    personal = trained.model is not None or bool(profile.interests) or bool(profile.follows)
    if not personal:  # nothing known yet: newest first
        score = np.array([float(pool.days[pool.rows[p]]) for p in shortlist])
    ranked = np.argsort(-score, kind="stable")[offset:offset + limit]
    titles = _library_titles(db, trained)
    items = [Recommendation(found[shortlist[i]], float(score[i]), explain(
        found[shortlist[i]], vectors[i], profile, trained, titles, interests,
        wanted_authors, wanted_categories)) for i in ranked]
    return Feed(items, count, personal, trained.trained_now)


_terms_cache: dict[tuple[str, str], dict[str, float]] = {}


def paper_terms(card: PaperCard) -> dict[str, float]:
    """A paper's term frequencies, made once per process and version of the paper."""
    key = (card.id, card.changed_at)
    found = _terms_cache.get(key)
    if found is None:
        if len(_terms_cache) > 100_000:
            _terms_cache.clear()
        found = _terms_cache[key] = term_frequencies(terms(f"{card.title}. {card.abstract}"))
    return found


def refresh_model(db: Database, config: Config, user_id: int) -> bool:
    """Train and store the reader's model if their signals changed (after a POST that
    changed them); True when it trained."""
    embedding_model = embedder_for(config).key
    pool = POOLS.get(db, embedding_model, config.recommend_window_days)
    return model_for(db, load_profile(db, user_id), embedding_model, pool,
                     background=config.recommend_background).trained_now


def _z(values: np.ndarray) -> np.ndarray:
    spread = float(values.std()) if len(values) else 0.0
    return (values - values.mean()) / spread if spread > 1e-9 else values * 0.0


def _by_followed(card: PaperCard, wanted_keys: set[str]) -> list[str]:
    """The card's authors that are followed, as written (names match as author pages do)."""
    return [name for name in card.authors if author_key(name) in wanted_keys]


def _in_followed(card: PaperCard, wanted: set[str]) -> str | None:
    for category in card.categories:
        if category in wanted or category.split(".")[0] in wanted:
            return category
    return None


def _followed_papers(db: Database, profile: Profile, pool: RecentPool, judged: set[str],
                     days: int) -> list[str]:
    """The newest papers of the window by followed authors or in followed categories."""
    found: list[str] = []
    with db.read() as connection:
        for category in profile.followed_categories:
            found += connection.execute(text(
                "SELECT c.paper_id FROM paper_categories c JOIN papers p ON p.id = c.paper_id "
                "WHERE c.category = :c OR c.category LIKE :prefix "
                "ORDER BY p.published_at DESC LIMIT :n"),
                {"c": category, "prefix": category + ".%", "n": FOLLOWED_EXTRA}).scalars().all()
        for author in profile.followed_authors:  # one index range each (paper_authors)
            found += paper_authors.newest_papers(connection, author_key(author),
                                                 limit=FOLLOWED_EXTRA)
    newest = pool.newest_day or 0
    return [p for p in dict.fromkeys(found) if p in pool.rows and p not in judged
            and pool.days[pool.rows[p]] > newest - days]


def _library_titles(db: Database, trained: Trained) -> dict[str, str]:
    if not trained.library:
        return {}
    with db.read() as connection:
        return {p: c.title for p, c in cards(connection, list(trained.library),
                                             with_listing=False).items()}


def _short(title: str, length: int = 70) -> str:
    return title if len(title) <= length else title[:length - 1].rstrip() + "…"


def explain(card: PaperCard, vector: np.ndarray, profile: Profile, trained: Trained,
            titles: dict[str, str], interests: np.ndarray, wanted_authors: set[str],
            wanted_categories: set[str]) -> list[str]:
    """Why the card is in the feed, in words; wanted_authors holds author keys."""
    reasons = []
    followed = _by_followed(card, wanted_authors)
    if followed:
        reasons.append(f"by an author you follow: {', '.join(followed[:3])}")
    category = _in_followed(card, wanted_categories)
    if category:
        followed_name = category if category in wanted_categories else category.split(".")[0]
        reasons.append(f"new in {category}, which you follow" if followed_name == category
                       else f"new in {category} ({followed_name}, which you follow)")
    if len(interests):
        close = interests @ vector
        best = int(np.argmax(close))
        if close[best] >= INTEREST_MATCH:
            reasons.append(f"matches your interest '{profile.interests[best]}'")
    if trained.library:
        ids = list(trained.library)
        close = np.stack([trained.library[p] for p in ids]) @ vector
        near = [ids[j] for j in np.argsort(-close) if close[j] >= LIBRARY_CLOSE]
        if near:
            named = "; ".join(f"“{_short(titles.get(p, p))}”" for p in near[:2])
            more = f" and {len(near) - 2} more" if len(near) > 2 else ""
            count = f"{len(near)} paper{'s' * (len(near) != 1)}"
            reasons.append(f"close to {count} in your library: {named}{more}")
        if trained.model is not None:
            known = [a for a in card.authors if a in trained.model.authors
                     and author_key(a) not in wanted_authors]
            if known:
                reasons.append(f"by {', '.join(known[:2])}, who wrote papers in your library")
        if not near and not reasons:
            best = ids[int(np.argmax(close))]
            reasons.append(f"closest to “{_short(titles.get(best, best))}” in your library")
    if not reasons:
        reasons.append("new this week" if not profile.signals else "new in your window")
    return reasons
