"""Backtest of the trending score on real Hugging Face daily papers (9,881 listings,
2024-05 .. 2026-08, ../shared/data/hf-daily-papers).

    .venv/bin/python bench/trending_backtest.py [--file PATH] [--k 10] [--json]

For each ISO week and each day of it that has listings, the papers listed so far that week
are ranked as the site would rank them at the end of that day, by:
  - trending (rank/trending.py) at several gravities, 1.8 being the default setting;
  - raw votes so far (the ceiling here, see below);
  - newest first (listing time), and a random order (the floor, averaged analytically).
Each ranking's top K is compared with the K papers that ended the week with the most votes:
precision@K (how many of the week's top K it shows in its top K) and nDCG@K (graded by
those votes, normalised by the whole week's ideal order).

What the data allows: the archive holds one count per paper, taken the day it was listed.
So a paper's "votes so far" on the days after its listing equal its "week-end votes", and
raw votes is an upper bound rather than a rival. The backtest measures what the score's
other parts cost or bring against the week's most-voted papers: the age decay (gravity),
comments and GitHub stars, next to the plain baselines, on every (week, day) and at the
end of each week.
"""

from __future__ import annotations

import argparse
import gzip
import math
import platform
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time as clock, timedelta, timezone
from pathlib import Path

import orjson

from paperwire.rank.trending import Signals, score

DATA = (Path(__file__).resolve().parents[2] / "shared" / "data" / "hf-daily-papers"
        / "hf_daily_papers_2024-05-27_2026-08-21.jsonl.gz")
GRAVITIES = (0.0, 0.5, 1.0, 1.8, 3.0)


@dataclass(frozen=True)
class Listed:
    id: str
    day: date
    listed_at: datetime
    votes: int
    comments: int
    stars: int | None


def _moment(value: str | None, day: date) -> datetime:
    if value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
    return datetime.combine(day, clock.min, tzinfo=timezone.utc)


def read(path: Path) -> list[Listed]:
    """One entry per paper: its first listing (4 papers were listed twice)."""
    first: dict[str, Listed] = {}
    with gzip.open(path, "rb") as handle:
        for line in handle:
            row = orjson.loads(line)
            day = date.fromisoformat(row["daily_date"])
            paper = Listed(row["arxiv_id"], day,
                           _moment(row.get("submitted_on_daily_at")
                                   or row.get("listed_published_at"), day),
                           int(row.get("upvotes") or 0), int(row.get("num_comments") or 0),
                           row.get("github_stars"))
            if paper.id not in first or paper.day < first[paper.id].day:
                first[paper.id] = paper
    return list(first.values())


def rankers(k: int):  # noqa: ANN201
    def trending(gravity: float):  # noqa: ANN202
        def rank(papers: list[Listed], now: datetime) -> list[str]:
            scored = [(score(Signals(p.votes, p.comments, p.stars, p.listed_at), now,
                             gravity).score, p.votes, p.listed_at, p.id) for p in papers]
            scored.sort(key=lambda s: s[3])
            scored.sort(key=lambda s: s[:3], reverse=True)  # the site's tie order
            return [s[3] for s in scored[:k]]
        return rank

    def votes(papers: list[Listed], now: datetime) -> list[str]:
        return [p.id for p in sorted(papers, key=lambda p: (-p.votes, p.id))[:k]]

    def newest(papers: list[Listed], now: datetime) -> list[str]:
        return [p.id for p in sorted(papers, key=lambda p: (p.listed_at, p.id),
                                     reverse=True)[:k]]

    named = {f"trending g={g:g}": trending(g) for g in GRAVITIES}
    named["raw votes so far"] = votes
    named["newest first"] = newest
    return named


def dcg(gains: list[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def backtest(papers: list[Listed], k: int) -> dict:
    weeks: dict[tuple[int, int], list[Listed]] = defaultdict(list)
    for paper in papers:
        weeks[paper.day.isocalendar()[:2]].append(paper)
    methods = rankers(k)
    totals = {name: {"p_all": 0.0, "n_all": 0.0, "p_end": 0.0, "n_end": 0.0} for name in methods}
    totals["random"] = dict.fromkeys(("p_all", "n_all", "p_end", "n_end"), 0.0)
    cells = weeks_used = 0
    rng = random.Random(7)
    for week_papers in weeks.values():
        if len(week_papers) < 2 * k:
            continue  # a week too thin to have a meaningful top K
        weeks_used += 1
        final = sorted(week_papers, key=lambda p: (-p.votes, p.id))
        top = {p.id for p in final[:k]}
        gain = {p.id: p.votes for p in week_papers}
        ideal = dcg([p.votes for p in final[:k]]) or 1.0
        days = sorted({p.day for p in week_papers})
        for index, day in enumerate(days):
            so_far = [p for p in week_papers if p.day <= day]
            now = datetime.combine(day + timedelta(days=1), clock.min, tzinfo=timezone.utc)
            last = index == len(days) - 1
            cells += 1
            results = {name: rank(so_far, now) for name, rank in methods.items()}
            shuffled = [p.id for p in so_far]
            rng.shuffle(shuffled)
            results["random"] = shuffled[:k]
            for name, ranked in results.items():
                precision = len(top.intersection(ranked)) / k
                ndcg = dcg([gain[i] for i in ranked]) / ideal
                totals[name]["p_all"] += precision
                totals[name]["n_all"] += ndcg
                if last:
                    totals[name]["p_end"] += precision
                    totals[name]["n_end"] += ndcg
    table = {name: {"precision_all_days": t["p_all"] / cells, "ndcg_all_days": t["n_all"] / cells,
                    "precision_week_end": t["p_end"] / weeks_used,
                    "ndcg_week_end": t["n_end"] / weeks_used} for name, t in totals.items()}
    return {"weeks": weeks_used, "week_days": cells, "papers": len(papers), "k": k,
            "methods": table}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=DATA)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.file.exists():
        sys.exit(f"missing {args.file}: the shared hf-daily-papers data")
    started = time.perf_counter()
    papers = read(args.file)
    result = backtest(papers, args.k)
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["machine"] = f"{platform.python_implementation()} {platform.python_version()}"
    if args.json:
        print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
        return
    k = args.k
    print(f"{result['papers']} papers, {result['weeks']} weeks, {result['week_days']} "
          f"(week, day) points, K={k}, {result['seconds']} s")
    print(f"| ranking | precision@{k} (every day) | nDCG@{k} (every day) | "
          f"precision@{k} (week end) | nDCG@{k} (week end) |")
    print("|---|---|---|---|---|")
    for name, m in result["methods"].items():
        print(f"| {name} | {m['precision_all_days']:.3f} | {m['ndcg_all_days']:.3f} | "
              f"{m['precision_week_end']:.3f} | {m['ndcg_week_end']:.3f} |")


if __name__ == "__main__":
    main()
