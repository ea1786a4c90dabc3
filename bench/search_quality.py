"""Search quality on real data, for text, semantic and hybrid search, through the shipped
code path (importer, FTS5 index, `paperwire embed`, `search()`):

  * CACM (BEIR layout, graded qrels): nDCG@10 and Recall@100.
  * Known-item search on the HF daily papers: the query is a paper's ai_summary, the target
    is that paper; MRR@10 and Recall@10.

    .venv/bin/python bench/search_quality.py [--hf-papers 1500] [--hf-queries 500] [--json]

Embedding is the slow step on 2 CPU cores, so by default the HF corpus is a seeded random
sample of --hf-papers papers (queries drawn from those that have an ai_summary);
--hf-papers 0 uses all 9,877. The figures printed say which was used.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import orjson

from search_data import (
    cacm_records, hf_records, import_records, load_cacm, load_hf, ndcg_at, recall_at,
    reciprocal_rank,
)

from paperwire.config import load_config
from paperwire.embed.runner import embed_missing
from paperwire.search import SearchRequest, search
from paperwire.search.semantic import embedder_for
from paperwire.store import Database

MODES = ("text", "semantic", "hybrid")


def setup(work: Path, name: str, model_cache: Path, records, max_tokens: int  # noqa: ANN001
          ) -> tuple:
    """A database of these records, embedded; one kept in --work from an earlier run with
    the same corpus is reused (embedding is the slow step)."""
    data = work / f"{name}-{max_tokens}"
    ready = data / "ready"
    if not ready.exists():
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
        model_cache.mkdir(parents=True, exist_ok=True)
        (data / "models").symlink_to(model_cache, target_is_directory=True)
    config = load_config({"data_dir": str(data), "embed_max_tokens": max_tokens}, environ={})
    db = Database(config.effective_database_url)
    db.upgrade()
    started = time.perf_counter()
    if not ready.exists():
        import_records(db, records)
        embed_missing(db, embedder_for(config), batch_size=256)
        ready.touch()
    return config, db, round(time.perf_counter() - started, 1)


def ranked_ids(db: Database, config, query: str, mode: str, limit: int) -> list[str]:  # noqa: ANN001
    try:
        return [h.id for h in search(db, SearchRequest(query, mode=mode, limit=limit), config).hits]
    except ValueError:
        return []


def run_cacm(work: Path, model_cache: Path, max_tokens: int) -> dict:
    docs, queries, qrels = load_cacm()
    config, db, seconds = setup(work, "cacm", model_cache, cacm_records(docs), max_tokens)
    result = {"documents": len(docs), "queries": len(queries), "embed_seconds": seconds}
    for mode in MODES:
        ndcg, recall = [], []
        for query_id, query in queries.items():
            ranked = ranked_ids(db, config, query, mode, 100)
            ndcg.append(ndcg_at(ranked, qrels[query_id], 10))
            recall.append(recall_at(ranked, qrels[query_id], 100))
        result[mode] = {"ndcg@10": round(float(np.mean(ndcg)), 4),
                        "recall@100": round(float(np.mean(recall)), 4)}
    db.dispose()
    return result


def run_hf(work: Path, model_cache: Path, papers: int, queries: int, max_tokens: int) -> dict:
    rows = load_hf()
    rng = random.Random(20261126)
    if papers and papers < len(rows):
        rows = rng.sample(rows, papers)
    config, db, embed_seconds = setup(work, f"hf-{len(rows)}", model_cache, hf_records(rows),
                                      max_tokens)
    candidates = [r for r in rows if r.get("ai_summary")]
    asked = rng.sample(candidates, min(queries, len(candidates)))
    result = {"corpus": len(rows), "corpus_sampled": len(rows) < 9877, "queries": len(asked),
              "embed_seconds": round(embed_seconds, 1)}
    for mode in MODES:
        rr, hit = [], []
        for row in asked:
            ranked = ranked_ids(db, config, row["ai_summary"], mode, 10)
            rr.append(reciprocal_rank(ranked, row["arxiv_id"], 10))
            hit.append(row["arxiv_id"] in ranked)
        result[mode] = {"mrr@10": round(float(np.mean(rr)), 4),
                        "recall@10": round(float(np.mean(hit)), 4)}
    db.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hf-papers", type=int, default=1500,
                        help="HF corpus sample size (0: all papers)")
    parser.add_argument("--hf-queries", type=int, default=500)
    parser.add_argument("--model-cache", default=str(Path(tempfile.gettempdir()) /
                                                     "paperwire-bench" / "models"))
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "paperwire-bench" /
                                              "quality"),
                        help="Where the embedded databases are kept; a later run reuses them")
    parser.add_argument("--max-tokens", type=int, default=256,
                        help="embed_max_tokens: tokens of title and abstract embedded")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    work = Path(args.work)
    report = {"cpus": os.cpu_count(), "max_tokens": args.max_tokens,
              "cacm": run_cacm(work, Path(args.model_cache), args.max_tokens),
              "hf_known_item": run_hf(work, Path(args.model_cache), args.hf_papers,
                                      args.hf_queries, args.max_tokens)}
    report["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode())
        return
    print(f"CACM: {report['cacm']['documents']} docs, {report['cacm']['queries']} queries")
    for mode in MODES:
        print(f"  {mode:9} nDCG@10 {report['cacm'][mode]['ndcg@10']:.4f}   "
              f"Recall@100 {report['cacm'][mode]['recall@100']:.4f}")
    hf = report["hf_known_item"]
    print(f"HF known-item: corpus {hf['corpus']} papers"
          f"{' (sample)' if hf['corpus_sampled'] else ''}, {hf['queries']} queries")
    for mode in MODES:
        print(f"  {mode:9} MRR@10 {hf[mode]['mrr@10']:.4f}   Recall@10 {hf[mode]['recall@10']:.4f}")
    print(f"total {report['seconds']} s")


if __name__ == "__main__":
    main()
