"""The author filter (`author:NAME`, `?author=`) on a large database: the indexed condition
search uses now (whole words through the keyword index's authors column) against the
substring LIKE it replaced, on the same database, the same names, in alternation.

    .venv/bin/python bench/author_filter.py --db sqlite:////work/scale/scale.db [--names 30]
                                            [--json]

Names are real: full names and surnames of the HF daily papers' authors (seeded), which
`bench/scale.py` loads into every database; the synthetic records draw names from a small
pool (one surname is on a fifth of them), so a real name that shares a surname with the
pool is a common-name query. Each condition selects the ids of the matching papers, as the search's
filter mask does; a warm-up pass of each goes first (the LIKE reads the whole table).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

import orjson
from sqlalchemy import text

from search_data import load_hf

from paperwire.search.filters import Filters
from paperwire.store import Database


def substring_condition(author: str) -> tuple[str, dict]:
    """The filter as it was: LOWER(authors) LIKE %name% (every paper read)."""
    escaped = author.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "LOWER(p.authors) LIKE :a ESCAPE '\\'", {"a": f"%{escaped}%"}


def indexed_condition(db: Database, author: str) -> tuple[str, dict]:
    where, params = Filters(authors=[author]).sql("p", db.dialect)
    return " AND ".join(where), params


def sample_names(count: int) -> list[str]:
    """Real names from the HF daily papers (every scale database holds them), alternately a
    full name and a surname; seeded."""
    rng = random.Random(7)
    authors = [name for record in load_hf() for name in record.get("authors") or []]
    names = [rng.choice(authors) for _ in range(count)]
    return [name if number % 2 else name.split()[-1] for number, name in enumerate(names)]


def timed(db: Database, condition: str, params: dict) -> tuple[float, int]:
    started = time.perf_counter()
    with db.read() as connection:
        found = len(connection.execute(text(f"SELECT p.id FROM papers p WHERE {condition}"),
                                       params).all())
    return (time.perf_counter() - started) * 1000, found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database URL")
    parser.add_argument("--names", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    db = Database(args.db)
    names = sample_names(args.names)
    timed(db, *substring_condition(names[0]))  # warm-ups: the table, then the index
    timed(db, *indexed_condition(db, names[0]))
    substring, indexed, found = [], [], []
    for name in names:
        ms, old_count = timed(db, *substring_condition(name))
        substring.append(ms)
        ms, new_count = timed(db, *indexed_condition(db, name))
        indexed.append(ms)
        found.append((old_count, new_count))
    report = {
        "database": db.dialect, "names": len(names),
        "papers_found_median_substring": statistics.median(f[0] for f in found),
        "papers_found_median_indexed": statistics.median(f[1] for f in found),
        "substring_like_ms": {"p50": percentile(substring, 0.5), "p99": percentile(substring, 0.99)},
        "indexed_ms": {"p50": percentile(indexed, 0.5), "p99": percentile(indexed, 0.99)},
        "ratio_p50": round(percentile(substring, 0.5) / max(percentile(indexed, 0.5), 0.01), 1),
        "load_average": [round(v, 1) for v in os.getloadavg()],
    }
    db.dispose()
    print(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() if args.json
          else "\n".join(f"{k}: {v}" for k, v in report.items()))


if __name__ == "__main__":
    main()
