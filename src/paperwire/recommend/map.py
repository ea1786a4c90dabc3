"""The map of recent papers: the newest papers with vectors, projected to 2-D (PCA) and
clustered (k-means), each cluster labelled by its distinctive words and represented by its
most central papers (what a click on it seeds)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..store import Database
from ..store.daily import cards
from .clusters import cluster_labels, kmeans, pca_2d
from .pool import RecentPool


@dataclass
class MapPoint:
    id: str
    title: str
    x: float  # 0..1
    y: float
    cluster: int


@dataclass
class MapCluster:
    index: int
    words: list[str]
    size: int
    x: float
    y: float
    central: list[str]  # paper ids nearest the centre

    @property
    def label(self) -> str:
        return ", ".join(self.words)


@dataclass
class PaperMap:
    points: list[MapPoint]
    clusters: list[MapCluster]


def build_map(db: Database, pool: RecentPool, *, papers: int, clusters: int) -> PaperMap:
    if len(pool) == 0:
        return PaperMap([], [])
    rows = np.argsort(-pool.days, kind="stable")[:papers]
    rows = rows[np.argsort([pool.ids[r] for r in rows])]  # a stable order for the picture
    ids = [pool.ids[r] for r in rows]
    matrix = pool.matrix[rows]
    with db.read() as connection:
        found = cards(connection, ids, with_listing=False)
    keep = [i for i, p in enumerate(ids) if p in found]
    ids, matrix = [ids[i] for i in keep], matrix[keep]
    if not ids:
        return PaperMap([], [])
    xy = pca_2d(matrix)
    k = max(1, min(clusters, len(ids) // 3 or 1))
    labels, centres = kmeans(matrix, k, seed=0)
    texts = [f"{found[p].title}. {found[p].abstract}" for p in ids]
    words = cluster_labels(texts, labels, k)
    points = [MapPoint(p, found[p].title, float(xy[i, 0]), float(xy[i, 1]), int(labels[i]))
              for i, p in enumerate(ids)]
    groups = []
    for c in range(k):
        members = np.flatnonzero(labels == c)
        if not len(members):
            continue
        closeness = matrix[members] @ centres[c]
        central = [ids[members[j]] for j in np.argsort(-closeness)[:5]]
        groups.append(MapCluster(c, words[c], len(members), float(xy[members, 0].mean()),
                                 float(xy[members, 1].mean()), central))
    return PaperMap(points, groups)
