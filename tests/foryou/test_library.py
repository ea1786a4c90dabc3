"""The numpy parts on their own: the Newton solver (both ways of taking a step agree, and a
separable set is separated), text scores, the map's projection and clusters, and the
tidying of what readers type (properties over any text)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from paperwire.recommend import linear
from paperwire.recommend.clusters import cluster_labels, kmeans, pca_2d
from paperwire.recommend.text import TfIdf, terms, text_score, train_text_model
from paperwire.store import user_follows, user_interests


def test_woodbury_and_direct_newton_steps_agree() -> None:
    rng = np.random.default_rng(1)
    A = rng.standard_normal((30, 80)).astype(np.float32)
    curvature = rng.random(30)
    gradient = rng.standard_normal(80)
    direct = linear._newton_step(A, curvature, gradient, None)
    woodbury = linear._newton_step(A, curvature, gradient, (A @ A.T).astype(np.float64))
    assert np.allclose(direct, woodbury, atol=1e-3)


def test_both_losses_separate_a_separable_set() -> None:
    rng = np.random.default_rng(2)
    X = np.vstack([rng.normal(1.0, 0.3, (10, 5)), rng.normal(-1.0, 0.3, (40, 5))])
    y = np.r_[np.ones(10), -np.ones(40)]
    for loss in linear.LOSSES:
        w, b = linear.fit_linear(X, y, loss=loss)
        scores = X @ w + b
        assert scores[:10].min() > scores[10:].max(), loss


def test_the_text_model_prefers_the_readers_words() -> None:
    positives = [terms("graph neural networks for molecules")] * 3
    negatives = [terms("galaxy cluster dark matter survey")] * 5 + [terms("quantum spin chains")]
    model = train_text_model(positives, negatives)
    assert text_score(model, terms("neural networks on graphs")) > \
        text_score(model, terms("dark matter in galaxy clusters"))
    assert text_score(model, []) == 0.0 and text_score({}, terms("x y")) == 0.0
    assert TfIdf([["a"], ["a", "b"]]).matrix([["a", "b", "zzz"]]).shape == (1, 2)


def test_map_projection_and_clusters() -> None:
    rng = np.random.default_rng(3)
    centres = rng.standard_normal((3, 16))
    matrix = np.vstack([c + 0.05 * rng.standard_normal((10, 16)) for c in centres])
    labels, _ = kmeans(matrix.astype(np.float32), 3)
    assert len({tuple(labels[i * 10:(i + 1) * 10]) for i in range(3)}) == 3
    assert all(len(set(labels[i * 10:(i + 1) * 10])) == 1 for i in range(3))
    xy = pca_2d(matrix)
    assert xy.shape == (30, 2) and xy.min() >= 0 and xy.max() <= 1
    names = cluster_labels(["protein folding"] * 10 + ["speech audio"] * 10 + ["image pixels"] * 10,
                           labels, 3)
    assert set(names[labels[0]]) == {"protein", "folding"}
    assert set(names[labels[10]]) == {"speech", "audio"}
    assert pca_2d(np.zeros((0, 4))).shape == (0, 2) and kmeans(np.zeros((0, 4)), 3)[0].size == 0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500))
def test_interests_are_tidied_whatever_is_typed(raw: str) -> None:
    tidy = user_interests.tidy(raw)
    assert len(tidy) <= user_interests.MAX_LENGTH
    assert all(ch.isprintable() for ch in tidy) and tidy == tidy.strip()


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["author", "category", "planet"]), st.text(max_size=300))
def test_follow_values_are_printable_and_categories_are_codes(kind: str, raw: str) -> None:
    value = user_follows.tidy(kind, raw)
    if kind == "planet":
        assert value is None
    elif value is not None:
        assert all(ch.isprintable() for ch in value) and len(value) <= 200
        if kind == "category":
            assert " " not in value and value[0].isalpha()
