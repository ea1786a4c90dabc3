"""A reader's profile (signals, interests, follows) and their model: trained when the
signals changed since the cached one (a hash of them), read from the cache otherwise.
A request never trains when the cached model is current."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from ..community.clock import stamp
from ..store import Database
from ..store import embeddings as stored
from ..store import user_follows, user_interests, user_models, user_profiles, user_signals
from ..store.daily import cards
from ..store.user_signals import NEGATIVE_KINDS, Signal
from .model import BACKGROUND_WEIGHT, SKIPPED_WEIGHT, TrainingSet, UserModel, train
from .pool import RecentPool
from .text import terms

POSITIVE = frozenset(("upvoted", "saved", "opened", "seeded"))


@dataclass
class Profile:
    user_id: int
    signals: list[Signal]
    interests: list[str]
    follows: list[tuple[str, str]]

    def latest(self) -> dict[str, Signal]:
        """Per paper, the latest signal: a paper saved after "not interested" is liked."""
        found: dict[str, Signal] = {}
        for signal in self.signals:  # sorted by time
            found[signal.paper_id] = signal
        return found

    @property
    def positive_ids(self) -> list[str]:
        return [p for p, s in self.latest().items() if s.kind in POSITIVE]

    @property
    def negative_ids(self) -> list[tuple[str, str]]:
        return [(p, s.kind) for p, s in self.latest().items() if s.kind in NEGATIVE_KINDS]

    @property
    def followed_authors(self) -> list[str]:
        return [v for k, v in self.follows if k == "author"]

    @property
    def followed_categories(self) -> list[str]:
        return [v for k, v in self.follows if k == "category"]

    def version(self, embedding_model: str) -> str:
        """What the model learns from: the latest signal per paper, and the vectors' model."""
        latest = sorted((p, "+" if s.kind in POSITIVE else s.kind)
                        for p, s in self.latest().items())
        digest = hashlib.sha256(embedding_model.encode())
        for paper_id, kind in latest:
            digest.update(f"\n{paper_id}\t{kind}".encode())
        return digest.hexdigest()[:32]


def load_profile(db: Database, user_id: int) -> Profile:
    with db.read() as connection:
        since = user_profiles.reset_at(connection, user_id)
        return Profile(user_id, user_signals.signals_of(connection, user_id, since),
                       user_interests.interests_of(connection, user_id),
                       user_follows.follows_of(connection, user_id))


_parsed: dict[tuple[str, int, str, str], UserModel] = {}


@dataclass
class Trained:
    model: UserModel | None  # None: no positive papers yet
    library: dict[str, np.ndarray]  # positive paper id -> vector (for explanations)
    trained_now: bool


def model_for(db: Database, profile: Profile, embedding_model: str, pool: RecentPool, *,
              background: int = 300, persist: bool = True) -> Trained:
    """The reader's current model: from the cache when its signals version matches, else
    trained now and cached: in the database (`persist`, for the POSTs that change signals,
    the digest and the CLI) or, for a GET, in this process only (a GET writes nothing)."""
    version = profile.version(embedding_model)
    positives = profile.positive_ids
    with db.read() as connection:
        cached = user_models.stamp_of(connection, profile.user_id)
        library = stored.vectors_for(connection, embedding_model, positives)
        if not library:
            return Trained(None, {}, False)
        if cached is not None and cached[:2] == (embedding_model, version):
            key = (db.url, profile.user_id, version, cached[2])
            model = _parsed.get(key)
            if model is None:  # the stored row, parsed once per process
                stored_model = user_models.load(connection, profile.user_id)
                if len(_parsed) > 1000:
                    _parsed.clear()
                model = _parsed[key] = UserModel.from_stored(stored_model.weights,
                                                             stored_model.details)
            return Trained(model, library, False)
    in_memory = (db.url, profile.user_id, version, "not stored")
    if not persist and in_memory in _parsed:
        return Trained(_parsed[in_memory], library, False)
    model = _train(db, profile, embedding_model, pool, library, background)
    if persist:
        with db.write() as connection:
            user_models.save(connection, profile.user_id, user_models.StoredModel(
                embedding_model, version, stamp(), model.weights, model.details()))
    else:
        if len(_parsed) > 1000:
            _parsed.clear()
        _parsed[in_memory] = model
    return Trained(model, library, True)


def _train(db: Database, profile: Profile, embedding_model: str, pool: RecentPool,
           library: dict[str, np.ndarray], background: int) -> UserModel:
    negatives = dict(profile.negative_ids)
    known = set(library) | set(negatives)
    rng = np.random.default_rng(profile.user_id)
    others = [pool.ids[r] for r in rng.permutation(len(pool))[:background + len(known)]
              if pool.ids[r] not in known][:background]
    with db.read() as connection:
        explicit = stored.vectors_for(connection, embedding_model, list(negatives))
        texts = cards(connection, list(library) + list(explicit) + others, with_listing=False)
    negative_ids = list(explicit) + others
    weights = [SKIPPED_WEIGHT if negatives.get(p) == "skipped" else 1.0 for p in explicit] + \
        [BACKGROUND_WEIGHT] * len(others)
    matrix = np.stack([explicit[p] for p in explicit] +
                      [pool.matrix[pool.rows[p]] for p in others]) if negative_ids else \
        np.zeros((0, pool.matrix.shape[1]), dtype=np.float32)

    def words(paper_id: str) -> list[str]:
        card = texts.get(paper_id)
        return terms(f"{card.title}. {card.abstract}") if card else []

    return train(TrainingSet(
        np.stack(list(library.values())), matrix, np.array(weights, dtype=np.float64),
        [words(p) for p in library], [words(p) for p in negative_ids],
        [texts[p].authors if p in texts else [] for p in library]))
