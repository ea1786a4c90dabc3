"""Shared by the search benches: the real test collections (CACM with qrels, HF daily
papers), loaded into a Paperwire database through the real importer, and the metrics."""

from __future__ import annotations

import gzip
import math
import sys
from collections import defaultdict
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from paperwire.formats.base import Parsed  # noqa: E402
from paperwire.ingest import Importer, ImportSummary  # noqa: E402
from paperwire.records import PaperRecord  # noqa: E402
from paperwire.store import Database  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CACM = DATA / "cacm"
HF_FILE = DATA / "hf-daily-papers" / "hf_daily_papers_2024-05-27_2026-08-21.jsonl.gz"


def cacm_key(doc_id: str) -> str:
    return f"doi:10.0000/cacm.{doc_id}"


def load_cacm() -> tuple[list[dict], dict[str, str], dict[str, dict[str, int]]]:
    """(documents, queries by id, qrels: query id -> {paper key: grade})."""
    docs = [orjson.loads(line) for line in (CACM / "corpus.jsonl").read_bytes().splitlines()]
    queries = {q["_id"]: q["text"] for q in
               (orjson.loads(line) for line in (CACM / "queries.jsonl").read_bytes().splitlines())}
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for line in (CACM / "qrels" / "test.tsv").read_text().splitlines()[1:]:
        query_id, doc_id, grade = line.split("\t")
        if int(grade) > 0:
            qrels[query_id][cacm_key(doc_id)] = int(grade)
    return docs, {q: t for q, t in queries.items() if q in qrels}, dict(qrels)


def cacm_records(docs: list[dict]) -> list[PaperRecord]:
    records = []
    for doc in docs:
        year = "".join(ch for ch in doc.get("source", "") if ch.isdigit())[-4:]
        records.append(PaperRecord(
            doi=f"10.0000/cacm.{doc['_id']}", title=doc["title"] or f"CACM {doc['_id']}",
            abstract=doc.get("text") or "", authors=doc.get("authors") or [],
            published=f"{year}-01-01T00:00:00Z" if len(year) == 4 else None))
    return records


def load_hf() -> list[dict]:
    """One record per arXiv id (the first listing), with its ai_summary."""
    seen: dict[str, dict] = {}
    with gzip.open(HF_FILE) as handle:
        for line in handle:
            record = orjson.loads(line)
            seen.setdefault(record["arxiv_id"], record)
    return list(seen.values())


def hf_records(rows: list[dict]) -> list[PaperRecord]:
    return [PaperRecord(arxiv_id=r["arxiv_id"], title=r["title"], abstract=r.get("summary") or "",
                        authors=r.get("authors") or [], published=r.get("daily_date"))
            for r in rows]


def import_records(db: Database, records: list[PaperRecord]) -> None:
    Importer(db).import_results([Parsed(f"bench:{i}", r) for i, r in enumerate(records)],
                                ImportSummary())


def ndcg_at(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    gain = sum((2 ** relevant.get(doc, 0) - 1) / math.log2(i + 2)
               for i, doc in enumerate(ranked[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    best = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return gain / best if best else 0.0


def recall_at(ranked: list[str], relevant: dict[str, int] | set[str], k: int) -> float:
    return len(set(ranked[:k]) & set(relevant)) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: list[str], target: str, k: int = 10) -> float:
    for i, doc in enumerate(ranked[:k]):
        if doc == target:
            return 1.0 / (i + 1)
    return 0.0
