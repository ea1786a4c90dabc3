"""Where recent papers lie: a 2-D projection of their embeddings (PCA) and clusters
(k-means) labelled by their most distinctive words. Deterministic for a given input."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from .text import terms


def pca_2d(matrix: np.ndarray) -> np.ndarray:
    """The first two principal components, scaled to [0, 1] each."""
    if len(matrix) == 0:
        return np.zeros((0, 2), dtype=np.float32)
    centred = matrix - matrix.mean(axis=0)
    if len(matrix) < 3:
        points = np.zeros((len(matrix), 2))
    else:
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        points = centred @ vt[:2].T
        # a fixed sign per axis, so the picture does not flip between runs
        for axis in range(2):
            if points[np.argmax(np.abs(points[:, axis])), axis] < 0:
                points[:, axis] *= -1
    low, high = points.min(axis=0), points.max(axis=0)
    return ((points - low) / np.where(high - low > 1e-9, high - low, 1.0)).astype(np.float32)


def kmeans(matrix: np.ndarray, k: int, *, iterations: int = 30, seed: int = 0,
           restarts: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """(labels, centres): the best (least squared distance) of a few k-means++ runs."""
    best, best_cost = None, np.inf
    for attempt in range(max(1, restarts)):
        labels, centres = _kmeans_once(matrix, k, iterations, seed + attempt)
        if len(matrix) == 0:
            return labels, centres
        cost = float(np.sum((matrix - centres[labels]) ** 2))
        if cost < best_cost - 1e-9:
            best, best_cost = (labels, centres), cost
    return best  # type: ignore[return-value]


def _kmeans_once(matrix: np.ndarray, k: int, iterations: int, seed: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    n = len(matrix)
    k = max(1, min(k, n))
    if n == 0:
        return np.zeros(0, dtype=np.int32), np.zeros((0, matrix.shape[1]), dtype=np.float32)
    rng = np.random.default_rng(seed)
    centres = [matrix[rng.integers(n)]]
    distance = np.sum((matrix - centres[0]) ** 2, axis=1)
    for _ in range(1, k):
        total = float(distance.sum())
        pick = rng.choice(n, p=distance / total) if total > 0 else rng.integers(n)
        centres.append(matrix[pick])
        distance = np.minimum(distance, np.sum((matrix - matrix[pick]) ** 2, axis=1))
    centre_array = np.stack(centres).astype(np.float32)
    labels = np.zeros(n, dtype=np.int32)
    for _ in range(iterations):
        scores = matrix @ centre_array.T - 0.5 * np.sum(centre_array ** 2, axis=1)
        new_labels = np.argmax(scores, axis=1).astype(np.int32)
        if np.array_equal(new_labels, labels) and _ > 0:
            break
        labels = new_labels
        for c in range(k):
            members = matrix[labels == c]
            if len(members):
                centre_array[c] = members.mean(axis=0)
    return labels, centre_array


def cluster_labels(texts: Sequence[str], labels: np.ndarray, k: int, words: int = 3
                   ) -> list[list[str]]:
    """Each cluster's most distinctive single words: frequent inside, rare outside."""
    inside = [Counter() for _ in range(k)]
    overall: Counter[str] = Counter()
    for text, label in zip(texts, labels):
        found = {t for t in terms(text) if " " not in t and len(t) > 2}
        inside[int(label)].update(found)
        overall.update(found)
    total = max(len(texts), 1)
    named = []
    for c in range(k):
        size = max(int(np.sum(labels == c)), 1)
        ranked = sorted(inside[c].items(), key=lambda tc: (
            -(tc[1] / size) * np.log(total / overall[tc[0]]), tc[0]))
        named.append([t for t, count in ranked if count >= 2][:words] or
                     [t for t, _ in ranked[:words]])
    return named
