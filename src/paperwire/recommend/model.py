"""A reader's model, in the spirit of arxiv-sanity-lite: a linear classifier of their papers
against the rest, here over paper embeddings (logistic regression), plus a tf-idf text model
and the authors of their papers, used to re-rank the embedding model's shortlist.

Pure numpy over vectors and terms: the feed, the digest and the quality bench call the
same functions, so the bench measures what ships.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .linear import fit_linear
from .text import text_score, train_text_model

EMBEDDING_C = 1.0  # regularisation of the embedding classifier (bench/recommend_quality.py)
TEXT_C = 1.0
TEXT_WEIGHT = 0.5  # how much the text model's (standardised) score counts beside the vectors'
AUTHOR_BONUS = 1.0  # a paper by an author of the reader's papers, in standard deviations
SKIPPED_WEIGHT = 0.5  # shown but skipped: weaker evidence than "not interested"
BACKGROUND_WEIGHT = 0.3  # papers the reader never saw: negatives only by default


@dataclass
class TrainingSet:
    positives: np.ndarray  # (p, d) unit vectors
    negatives: np.ndarray  # (n, d)
    negative_weights: np.ndarray  # (n,)
    positive_terms: list[list[str]] = field(default_factory=list)
    negative_terms: list[list[str]] = field(default_factory=list)
    positive_authors: list[list[str]] = field(default_factory=list)


@dataclass
class UserModel:
    weights: np.ndarray  # (d,) float32 over the embedding
    bias: float
    text: dict[str, list[float]]  # term -> [weight, idf]
    authors: dict[str, int]  # authors of the reader's papers -> how many
    positives: int
    negatives: int

    def details(self) -> dict:
        return {"bias": self.bias, "text": self.text, "authors": self.authors,
                "positives": self.positives, "negatives": self.negatives}

    @classmethod
    def from_stored(cls, weights: np.ndarray, details: dict) -> "UserModel":
        return cls(np.asarray(weights, dtype=np.float32), float(details.get("bias", 0.0)),
                   dict(details.get("text", {})), dict(details.get("authors", {})),
                   int(details.get("positives", 0)), int(details.get("negatives", 0)))


def train(data: TrainingSet, *, use_text: bool = True) -> UserModel:
    """Train on at least one positive; with no negatives at all, the model is the centroid."""
    positives = np.asarray(data.positives, dtype=np.float32)
    if len(positives) == 0:
        raise ValueError("a model needs at least one positive paper")
    negatives = np.asarray(data.negatives, dtype=np.float32).reshape(-1, positives.shape[1])
    authors = Counter(a for names in data.positive_authors for a in dict.fromkeys(names))
    if len(negatives) == 0:
        centroid = positives.mean(axis=0)
        return UserModel(centroid / max(float(np.linalg.norm(centroid)), 1e-12), 0.0, {},
                         dict(authors), len(positives), 0)
    X = np.vstack([positives, negatives])
    y = np.r_[np.ones(len(positives)), -np.ones(len(negatives))]
    neg_weights = np.asarray(data.negative_weights, dtype=np.float64)
    # balanced classes: the positives weigh as much, together, as the negatives
    pos_weight = float(neg_weights.sum()) / len(positives)
    w, b = fit_linear(X, y, sample_weight=np.r_[np.full(len(positives), pos_weight),
                                                neg_weights], C=EMBEDDING_C)
    text = {}
    if use_text and data.positive_terms and data.negative_terms:
        text = train_text_model(data.positive_terms, data.negative_terms, neg_weights,
                                C=TEXT_C)
    return UserModel(w, b, text, dict(authors), len(positives), len(negatives))


def embedding_scores(model: UserModel, matrix: np.ndarray) -> np.ndarray:
    """The first stage: one matrix-vector product over every candidate."""
    return matrix @ model.weights + model.bias


def _standardised(values: np.ndarray) -> np.ndarray:
    spread = float(values.std())
    return (values - values.mean()) / spread if spread > 1e-9 else values * 0.0


def rerank_scores(model: UserModel, vector_scores: np.ndarray,
                  terms: Sequence[Sequence[str] | dict[str, float]],
                  authors: Sequence[Sequence[str]]
                  ) -> np.ndarray:
    """The second stage over a shortlist: vectors' score, plus the text model's and a bonus
    for authors the reader has read, each standardised over the shortlist."""
    score = _standardised(np.asarray(vector_scores, dtype=np.float64))
    if model.text and TEXT_WEIGHT:
        texts = np.array([text_score(model.text, t) for t in terms])
        score = score + TEXT_WEIGHT * _standardised(texts)
    if model.authors and AUTHOR_BONUS:
        score = score + AUTHOR_BONUS * np.array(
            [1.0 if any(a in model.authors for a in names) else 0.0 for names in authors])
    return score
