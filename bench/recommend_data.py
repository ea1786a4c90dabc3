"""Shared by the recommendation benches: the real HF daily papers (one record per arXiv id,
first listing) and their embeddings, made once with the shipped runtime (ONNX int8) and
cached in bench/out/ (embedding ~10k abstracts on 2 cores takes minutes; later runs read
the cache).

    .venv/bin/python bench/recommend_data.py [--limit N]   # build the cache only
"""

from __future__ import annotations

import argparse
import ast
import gzip
import sys
import time
from pathlib import Path

import numpy as np
import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from paperwire.embed.model import Embedder, paper_text  # noqa: E402

HF_FILE = (REPO.parent / "shared" / "data" / "hf-daily-papers"
           / "hf_daily_papers_2024-05-27_2026-08-21.jsonl.gz")
OUT = REPO / "bench" / "out"
MAX_TOKENS = 128  # the bench's tokens per abstract: 2.6x faster than 256 on these cores


def _list(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str) and value.startswith("["):
        try:
            return [str(v) for v in ast.literal_eval(value)]
        except (ValueError, SyntaxError):
            return []
    return []


def load_hf() -> list[dict]:
    """One record per arXiv id (its first listing), in listing order."""
    seen: dict[str, dict] = {}
    with gzip.open(HF_FILE) as handle:
        for line in handle:
            record = orjson.loads(line)
            if record["arxiv_id"] in seen:
                continue
            upvotes = record.get("upvotes")
            seen[record["arxiv_id"]] = {
                "id": record["arxiv_id"], "day": record["daily_date"],
                "title": record.get("title") or "", "abstract": record.get("summary") or "",
                "authors": _list(record.get("authors")),
                "upvotes": int(upvotes) if str(upvotes).isdigit() else 0}
    return sorted(seen.values(), key=lambda r: (r["day"], r["id"]))


def vectors(rows: list[dict], *, progress: bool = True) -> np.ndarray:
    """Embeddings of `rows` (cached by id in bench/out/hf-vectors-128.npz)."""
    cache = OUT / f"hf-vectors-{MAX_TOKENS}.npz"
    known: dict[str, np.ndarray] = {}
    if cache.exists():
        data = np.load(cache)
        known = dict(zip(data["ids"].tolist(), data["vectors"]))
    missing = [r for r in rows if r["id"] not in known]
    if missing:
        embedder = Embedder("onnx-int8", cache_dir=OUT / "model", max_tokens=MAX_TOKENS)
        start = time.perf_counter()
        for offset in range(0, len(missing), 256):
            batch = missing[offset:offset + 256]
            found = embedder.encode([paper_text(r["title"], r["abstract"]) for r in batch], 64)
            known.update(zip((r["id"] for r in batch), found))
            if progress:
                done = offset + len(batch)
                print(f"embedded {done}/{len(missing)} "
                      f"({done / (time.perf_counter() - start):.0f}/s)", file=sys.stderr)
            if offset % 2048 == 0 or offset + 256 >= len(missing):
                OUT.mkdir(parents=True, exist_ok=True)
                ids = list(known)
                np.savez(cache.with_suffix(".tmp.npz"), ids=np.array(ids),
                         vectors=np.stack([known[i] for i in ids]).astype(np.float32))
                cache.with_suffix(".tmp.npz").replace(cache)
    return np.stack([known[r["id"]] for r in rows]).astype(np.float32)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the newest N papers")
    args = parser.parse_args()
    rows = load_hf()
    if args.limit:
        rows = rows[-args.limit:]
    print(vectors(rows).shape)
