"""Words of papers as features: terms (lower-case words, light stemming, no stop words,
plus adjacent pairs), tf-idf weights, and a small per-reader text model kept as a JSON
object {term: weight}."""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from collections.abc import Iterable, Sequence

import numpy as np

from .linear import fit_linear

_WORD = re.compile(r"[a-z][a-z0-9+#-]{1,30}")
_STOP = frozenset("""about above after again all also among an and any are as at be been
before being between both but by can could did do does doing during each few for from
further had has have having here how however if in into is it its itself just more most
new no nor not now of off on once only or other our out over own paper propose proposed
same several she should show shows so some such than that the their them then there these
they this those through to too under until up using very via was we were what when where
which while who whom why will with within without would yet you your based results method
methods approach model models""".split())
MAX_TERMS = 3000  # text weights kept per reader, by size


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    """Words and adjacent word pairs of a text."""
    stem = _stem
    words = [stem(w) for w in _WORD.findall((text or "").lower()) if w not in _STOP]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


class TfIdf:
    """Term weights learnt from a set of documents: sublinear tf, smooth idf, unit length."""

    def __init__(self, documents: Iterable[Sequence[str]], *, min_df: int = 1,
                 max_df: float = 1.0, max_features: int | None = None):
        df: Counter[str] = Counter()
        count = 0
        for doc in documents:
            df.update(set(doc))
            count += 1
        limit = max_df * count
        kept = [(t, c) for t, c in df.items() if c >= min_df and c <= limit]
        kept.sort(key=lambda pair: (-pair[1], pair[0]))
        if max_features:
            kept = kept[:max_features]
        self.vocabulary = {t: i for i, (t, _) in enumerate(kept)}
        self.idf = np.array([math.log((1 + count) / (1 + c)) + 1.0 for _, c in kept],
                            dtype=np.float32)

    def matrix(self, documents: Sequence[Sequence[str]]) -> np.ndarray:
        out = np.zeros((len(documents), len(self.vocabulary)), dtype=np.float32)
        for row, doc in enumerate(documents):
            for term, tf in Counter(doc).items():
                column = self.vocabulary.get(term)
                if column is not None:
                    out[row, column] = (1.0 + math.log(tf)) * self.idf[column]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


def train_text_model(positives: Sequence[Sequence[str]], negatives: Sequence[Sequence[str]],
                     negative_weight: Sequence[float] | None = None, C: float = 1.0
                     ) -> dict[str, list[float]]:
    """A logistic regression over tf-idf terms of the reader's papers: {term: [weight, idf]}
    for the MAX_TERMS largest weights."""
    if not positives or not negatives:
        return {}
    vectorizer = TfIdf(list(positives) + list(negatives), min_df=2, max_features=5000)
    if not vectorizer.vocabulary:
        return {}
    X = vectorizer.matrix(list(positives) + list(negatives))
    y = np.r_[np.ones(len(positives)), -np.ones(len(negatives))]
    weights = np.r_[np.full(len(positives), len(negatives) / len(positives)),
                    np.asarray(negative_weight if negative_weight is not None
                               else np.ones(len(negatives)))]
    w, _ = fit_linear(X, y, sample_weight=weights, C=C)
    order = np.argsort(-np.abs(w))[:MAX_TERMS]
    names = list(vectorizer.vocabulary)
    return {names[i]: [round(float(w[i]), 5), round(float(vectorizer.idf[i]), 4)]
            for i in order if w[i] != 0.0}


def term_frequencies(document: Sequence[str]) -> dict[str, float]:
    """Sublinear tf of a paper's terms (what text_score reads; worth keeping per paper)."""
    return {t: 1.0 + math.log(c) for t, c in Counter(document).items()}


def text_score(weights: dict[str, list[float]], document: Sequence[str] | dict[str, float]
               ) -> float:
    """The text model's score of one paper: its unit-length tf-idf over the kept terms."""
    if not weights or not document:
        return 0.0
    tf = document if isinstance(document, dict) else term_frequencies(document)
    total = norm = 0.0
    for term, frequency in tf.items():
        known = weights.get(term)
        if known is not None:
            value = frequency * known[1]
            total += known[0] * value
            norm += value * value
    return total / math.sqrt(norm) if norm else 0.0
