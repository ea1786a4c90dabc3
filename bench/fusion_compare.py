"""Hybrid fusion functions compared on CACM and the HF known-item set, side by side on the
same two rankings per query (the shipped keyword and semantic sides, 100 deep).

    .venv/bin/python bench/fusion_compare.py [--work DIR] [--hf-queries 6000]

Needs the embedded databases bench/search_quality.py keeps in --work (run it first with
--hf-papers 0). Prints nDCG@10 / Recall@100 on CACM and MRR@10 / Recall@10 on HF for text,
semantic, reciprocal rank fusion (k = 10, 30, 60; weighted) and convex combinations of
min-max, max and z-score normalised scores.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from search_data import load_cacm, load_hf, ndcg_at, recall_at, reciprocal_rank

from paperwire.config import load_config
from paperwire.search.api import _keyword, _semantic, fuse, fuse_ranks
from paperwire.search.filters import Filters
from paperwire.search.query import parse_query
from paperwire.store import Database

Ranking = list[tuple[str, float]]
DEPTH = 100


def rankings(data: Path, queries: list[tuple[str, str]]) -> dict[str, tuple[Ranking, Ranking]]:
    config = load_config({"data_dir": str(data)}, environ={})
    db = Database(config.effective_database_url)
    out = {}
    for key, query in queries:
        parsed = parse_query(query)
        semantic, _ = _semantic(db, config, parsed, Filters(), DEPTH)
        out[key] = (_keyword(db, config, parsed, Filters(), DEPTH), semantic)
    db.dispose()
    return out


def normalised(ranking: Ranking, how: str) -> dict[str, float]:
    if not ranking:
        return {}
    values = np.array([s for _, s in ranking])
    if how == "max":
        return {i: s / values.max() if values.max() > 0 else 0.0 for i, s in ranking}
    spread = values.std() or 1.0
    return {i: (s - values.mean()) / spread for i, s in ranking}  # z-score


def convex(how: str, weight: float) -> Callable[[Ranking, Ranking], list[str]]:
    def rank(keyword: Ranking, semantic: Ranking) -> list[str]:
        if how == "minmax":  # the shipped one
            return [i for i, _, _ in fuse(keyword, semantic, weight)]
        missing = 0.0 if how == "max" else -3.0
        words, meaning = normalised(keyword, how), normalised(semantic, how)
        scores = {i: weight * words.get(i, missing) + (1 - weight) * meaning.get(i, missing)
                  for i in list(words) + list(meaning)}
        return sorted(scores, key=lambda i: (-scores[i], i))
    return rank


def weighted_rrf(k: int, text_weight: float) -> Callable[[Ranking, Ranking], list[str]]:
    def rank(keyword: Ranking, semantic: Ranking) -> list[str]:
        if text_weight == 1.0:
            return [i for i, _, _ in fuse_ranks(keyword, semantic, k)]
        scores: dict[str, float] = {}
        for weight, ranking in ((text_weight, keyword), (1.0, semantic)):
            for place, (paper_id, _) in enumerate(ranking, 1):
                scores[paper_id] = scores.get(paper_id, 0.0) + weight / (k + place)
        return sorted(scores, key=lambda i: (-scores[i], i))
    return rank


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "paperwire-bench" /
                                              "quality"))
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--hf-queries", type=int, default=6000)
    args = parser.parse_args()
    work = Path(args.work)
    _, cacm_queries, qrels = load_cacm()
    cacm = rankings(work / f"cacm-{args.max_tokens}", list(cacm_queries.items()))
    rows = load_hf()
    asked = [r for r in rows if r.get("ai_summary")]
    asked = random.Random(20261126).sample(asked, min(args.hf_queries, len(asked)))
    hf = rankings(work / f"hf-{len(rows)}-{args.max_tokens}",
                  [(r["arxiv_id"], r["ai_summary"]) for r in asked])
    print(f"CACM {len(cacm)} queries; HF known-item {len(hf)} queries, {len(rows)} papers")
    methods: list[tuple[str, Callable[[Ranking, Ranking], list[str]]]] = [
        ("text", lambda kw, sem: [i for i, _ in kw]),
        ("semantic", lambda kw, sem: [i for i, _ in sem])]
    methods += [(f"RRF k={k}", weighted_rrf(k, 1.0)) for k in (10, 30, 60)]
    methods += [(f"RRF k=60, text weight {w}", weighted_rrf(60, w)) for w in (1.5, 2.0)]
    methods += [(f"convex {how}, text weight {w}", convex(how, w))
                for how in ("minmax", "max", "z") for w in (0.3, 0.4, 0.5, 0.6, 0.7)]
    print(f"{'fusion':34} {'CACM nDCG@10':>12} {'R@100':>7} {'HF MRR@10':>10} {'R@10':>7}")
    for name, method in methods:
        ndcg = np.mean([ndcg_at(method(*cacm[q]), qrels[q], 10) for q in cacm])
        recall = np.mean([recall_at(method(*cacm[q]), qrels[q], 100) for q in cacm])
        mrr = np.mean([reciprocal_rank(method(*hf[q]), q, 10) for q in hf])
        found = np.mean([q in method(*hf[q])[:10] for q in hf])
        print(f"{name:34} {ndcg:12.4f} {recall:7.4f} {mrr:10.4f} {found:7.4f}", flush=True)


if __name__ == "__main__":
    main()
