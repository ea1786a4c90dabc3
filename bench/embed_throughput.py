"""Embedding throughput: the baseline (sentence-transformers on torch, fp32, batches in
input order, 256 tokens) against the shipped runtime (ONNX Runtime, int8 weights,
length-sorted batches, 256 tokens), on the same real HF abstracts in the same run; then
the quality check: semantic nDCG@10 on CACM with each runtime's vectors.

    .venv/bin/python bench/embed_throughput.py [--abstracts 512] [--threads 2] [--onnx-tokens 256] [--json]
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import orjson

from search_data import load_cacm, load_hf, ndcg_at

from paperwire.embed.model import Embedder, paper_text


def rate(embedder: Embedder, texts: list[str], batch_size: int) -> tuple[float, np.ndarray]:
    embedder.encode(texts[:8])  # load and warm up
    start = time.perf_counter()
    vectors = embedder.encode(texts, batch_size=batch_size)
    return len(texts) / (time.perf_counter() - start), vectors


def cacm_ndcg(embedder: Embedder) -> float:
    docs, queries, qrels = load_cacm()
    keys = [f"doi:10.0000/cacm.{d['_id']}" for d in docs]
    matrix = embedder.encode([paper_text(d["title"], d.get("text")) for d in docs], 64)
    ids = list(queries)
    query_vectors = embedder.encode([queries[q] for q in ids], 64)
    scores = query_vectors @ matrix.T
    return float(np.mean([ndcg_at([keys[j] for j in np.argsort(-scores[i])[:10]], qrels[q])
                          for i, q in enumerate(ids)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--abstracts", type=int, default=512)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--onnx-tokens", type=int, default=256,
                        help="Truncation for the ONNX runtime (the baseline stays at 256)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    import torch
    torch.set_num_threads(args.threads)
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    rows = load_hf()[:args.abstracts]
    texts = [paper_text(r["title"], r.get("summary")) for r in rows]
    cache = Path(tempfile.gettempdir()) / "paperwire-bench"
    baseline = Embedder("torch", max_tokens=256)
    shipped = Embedder("onnx-int8", cache_dir=cache, max_tokens=args.onnx_tokens)
    base_rate, base_vectors = rate(baseline, texts, 32)
    fast_rate, fast_vectors = rate(shipped, texts, 32)
    agreement = float(np.mean(np.sum(base_vectors * fast_vectors, axis=1)))
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus, {args.threads} threads",
        "abstracts": len(texts), "max_tokens": 256, "onnx_max_tokens": args.onnx_tokens,
        "baseline_torch_fp32_per_s": round(base_rate, 1),
        "onnx_int8_sorted_per_s": round(fast_rate, 1),
        "speedup": round(fast_rate / base_rate, 2),
        "mean_cosine_int8_vs_fp32": round(agreement, 4),
        "cacm_ndcg10_torch": round(cacm_ndcg(baseline), 4),
        "cacm_ndcg10_onnx_int8": round(cacm_ndcg(shipped), 4),
    }
    result["cacm_ndcg10_loss"] = round(result["cacm_ndcg10_torch"] - result["cacm_ndcg10_onnx_int8"], 4)
    print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode() if args.json else
          "\n".join(f"{k:32} {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
