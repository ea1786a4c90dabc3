"""Recommendation quality on simulated readers from the real HF daily papers (2024-05 ..
2026-08). A reader is one topic cluster (k-means over the embeddings), or one set of title
keywords, or one author. For each: train on 10 of their papers (the 10 latest before a
split day, against 300 random earlier papers they never saw), rank the papers of the next
two weeks, and score nDCG@10 and precision@10 against the reader's papers among them.

Methods, on the same readers in the same run: trending only (HF upvotes), cosine to the
mean of the positives, the arxiv-sanity-lite tf-idf SVM (uni+bigrams, min_df 5,
max_df 0.1, 20k terms, linear SVM, balanced), and the shipped recommender
(paperwire.recommend.model: logistic regression over embeddings, re-ranked with its
tf-idf text model and the readers' authors), also without its text and author stages.

    .venv/bin/python bench/recommend_quality.py [--cached-only] [--json]
"""

from __future__ import annotations

import argparse
import math
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # small products: threads only contend
os.environ.setdefault("OMP_NUM_THREADS", "1")
import platform
import time
from collections import Counter, defaultdict
from datetime import date, timedelta

import numpy as np
import orjson

from recommend_data import MAX_TOKENS, OUT, load_hf, vectors

from paperwire.recommend import model as shipped
from paperwire.recommend.clusters import kmeans
from paperwire.recommend.linear import fit_linear
from paperwire.recommend.text import TfIdf, terms

TRAIN = 10
BACKGROUND = 300
WINDOW_DAYS = 14
SHORTLIST = 200  # the feed's recommend_shortlist default


def ndcg(ranked: list[int], relevant: set[int], k: int = 10) -> float:
    gain = sum(1 / math.log2(i + 2) for i, doc in enumerate(ranked[:k]) if doc in relevant)
    best = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return gain / best if best else 0.0


def precision(ranked: list[int], relevant: set[int], k: int = 10) -> float:
    return sum(1 for doc in ranked[:k] if doc in relevant) / k


def make_readers(rows: list[dict], matrix: np.ndarray, doc_terms: list[list[str]],
                 rng: np.random.Generator) -> list[tuple[str, str, set[int]]]:
    """(kind, name, the reader's papers) for topic clusters, keyword sets and authors."""
    readers = []
    labels, _ = kmeans(matrix, 40, seed=1)
    for c in range(40):
        readers.append(("topic", f"cluster {c}", set(np.flatnonzero(labels == c).tolist())))
    title_terms = [set(t for t in terms(r["title"]) if " " in t) for r in rows]
    df = Counter(t for ts in title_terms for t in ts)
    phrases = sorted(t for t, c in df.items() if 40 <= c <= 250)
    for index in rng.choice(len(phrases), size=min(30, len(phrases)), replace=False):
        wanted = phrases[index]
        readers.append(("keywords", wanted, {i for i, ts in enumerate(title_terms)
                                             if wanted in ts}))
    author_papers: dict[str, set[int]] = defaultdict(set)
    for i, row in enumerate(rows):
        for name in row["authors"]:
            author_papers[name].add(i)
    prolific = sorted(a for a, papers in author_papers.items() if len(papers) >= 15)
    for index in rng.choice(len(prolific), size=min(30, len(prolific)), replace=False):
        readers.append(("author", prolific[index], author_papers[prolific[index]]))
    return readers


def split_for(rows: list[dict], days: np.ndarray, papers: set[int], rng: np.random.Generator
              ) -> tuple[list[int], list[int], set[int]] | None:
    """(train positives, candidates, relevant candidates) at a random usable split day."""
    ordered = sorted(papers, key=lambda i: (days[i], i))
    options = []
    for position in range(TRAIN, len(ordered)):
        split = days[ordered[position]]
        if position > TRAIN and days[ordered[position - 1]] == split:
            continue
        later = [i for i in ordered[position:] if days[i] < split + WINDOW_DAYS]
        if len(later) >= 3:
            options.append((position, split))
    if not options:
        return None
    position, split = options[rng.integers(len(options))]
    positives = ordered[position - TRAIN:position]
    candidates = np.flatnonzero((days >= split) & (days < split + WINDOW_DAYS)).tolist()
    return positives, candidates, {i for i in candidates if i in papers}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cached-only", action="store_true",
                        help="use only the papers whose vectors are cached (no embedding)")
    parser.add_argument("--text-weight", type=float, default=shipped.TEXT_WEIGHT,
                        help="the shipped re-ranking's text weight (to compare settings)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    shipped.TEXT_WEIGHT = args.text_weight
    started = time.perf_counter()
    rng = np.random.default_rng(7)
    rows = load_hf()
    if args.cached_only:
        cache = np.load(OUT / f"hf-vectors-{MAX_TOKENS}.npz")
        known = set(cache["ids"].tolist())
        rows = [r for r in rows if r["id"] in known]
    matrix = vectors(rows)
    day0 = date.fromisoformat(rows[0]["day"])
    days = np.array([(date.fromisoformat(r["day"]) - day0).days for r in rows])
    doc_terms = [terms(r["title"] + ". " + r["abstract"]) for r in rows]
    upvotes = np.array([r["upvotes"] for r in rows], dtype=np.float64)
    sanity = TfIdf(doc_terms, min_df=5, max_df=0.1, max_features=20000)

    readers = make_readers(rows, matrix, doc_terms, rng)
    results: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    used = Counter()
    for kind, name, papers in readers:
        split = split_for(rows, days, papers, rng)
        if split is None:
            continue
        positives, candidates, relevant = split
        before = np.flatnonzero((days < days[candidates[0]]) &
                                (days >= days[candidates[0]] - 60))
        pool = np.setdiff1d(before, positives)
        background = rng.choice(pool, size=min(BACKGROUND, len(pool)), replace=False).tolist()
        used[kind] += 1
        rankings = {}
        rankings["trending only"] = sorted(candidates, key=lambda i: (-upvotes[i], i))
        centroid = matrix[positives].mean(axis=0)
        rankings["cosine to mean"] = _order(candidates, matrix[candidates] @ centroid)
        X = sanity.matrix([doc_terms[i] for i in positives + background])
        y = np.r_[np.ones(len(positives)), -np.ones(len(background))]
        balance = np.r_[np.full(len(positives), len(background) / len(positives)),
                        np.ones(len(background))]
        w, b = fit_linear(X, y, sample_weight=balance, C=0.1, loss="squared_hinge")
        rankings["tf-idf SVM"] = _order(candidates, sanity.matrix(
            [doc_terms[i] for i in candidates]) @ w + b)
        data = shipped.TrainingSet(
            matrix[positives], matrix[background],
            np.full(len(background), shipped.BACKGROUND_WEIGHT),
            [doc_terms[i] for i in positives], [doc_terms[i] for i in background],
            [rows[i]["authors"] for i in positives])
        user_model = shipped.train(data)
        first = shipped.embedding_scores(user_model, matrix[candidates])
        rankings["shipped, vectors only"] = _order(candidates, first)
        shortlist = np.argsort(-first, kind="stable")[:SHORTLIST]
        final = shipped.rerank_scores(user_model, first[shortlist],
                                      [doc_terms[candidates[j]] for j in shortlist],
                                      [rows[candidates[j]]["authors"] for j in shortlist])
        rankings["shipped"] = [candidates[shortlist[j]] for j in
                               np.argsort(-final, kind="stable")]
        for method, ranked in rankings.items():
            for label in (kind, "all"):
                results[method][f"ndcg {label}"].append(ndcg(ranked, relevant))
                results[method][f"p10 {label}"].append(precision(ranked, relevant))

    report = {"readers": dict(used), "papers": len(rows), "seconds":
              round(time.perf_counter() - started, 1), "cpus": os.cpu_count(),
              "machine": platform.processor() or platform.machine(),
              "methods": {m: {k: round(float(np.mean(v)), 4) for k, v in scores.items()}
                          for m, scores in results.items()}}
    if args.json:
        print(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode())
        return
    print(f"{len(rows)} papers, readers {dict(used)}, {report['seconds']} s")
    kinds = ["all", "topic", "keywords", "author"]
    print(f"{'method':24}" + "".join(f"{'nDCG@10 ' + k:>18}{'P@10 ' + k:>15}" for k in kinds))
    for method, scores in report["methods"].items():
        print(f"{method:24}" + "".join(f"{scores.get('ndcg ' + k, 0):18.3f}"
                                       f"{scores.get('p10 ' + k, 0):15.3f}" for k in kinds))


def _order(candidates: list[int], scores: np.ndarray) -> list[int]:
    return [candidates[j] for j in np.argsort(-np.asarray(scores), kind="stable")]


if __name__ == "__main__":
    main()
