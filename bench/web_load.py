"""Web load benchmark: the daily page and /api/daily_papers under wrk, on 10k real papers.

    make bench-web                       # installs wrk (Debian) if it is missing
    .venv/bin/python bench/web_load.py [--duration 10] [--connections 32] [--pg URL] [--json]

1. Imports the Hugging Face daily-papers data (9,881 records: 9,877 papers on 580 days)
   into a fresh SQLite file (and a fresh PostgreSQL database with --pg).
2. Starts `paperwire serve` on loopback, once with the shipped settings (pages, API answers
   and feeds reused for web_cache_seconds=5) and once with that cache off (every request
   builds its answer: the worst case).
3. Runs wrk (2 threads, 32 connections, --latency) against each target in turn: the
   baselines /healthz (a database ping) and a static file, then the daily page and the API
   for one day, the same over all 580 days in rotation (a Lua script), and the search page
   over a list of queries. Each figure is compared with /healthz on the same server in the
   same run (these machines are shared and noisy).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import orjson
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_bulk import fresh_pg_database  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
HF_DATA = REPO.parent / "shared" / "data" / "hf-daily-papers" / \
    "hf_daily_papers_2024-05-27_2026-08-21.jsonl.gz"
DAY = "2025-06-10"
QUERIES = ["diffusion", "agent", "video generation", "reasoning", "reinforcement learning",
           "benchmark", "multimodal", "speech", "robot", "retrieval", "3D", "alignment",
           "long context", "code", "mixture of experts", "quantization", "math", "vision",
           "tokenizer", "world model"]
TARGET_RPS, TARGET_P99_MS = 300, 100


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def paperwire(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "paperwire", *args], env=env, check=True,
                   cwd=REPO, stdout=subprocess.DEVNULL)


class Server:
    def __init__(self, env: dict[str, str]):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "paperwire", "serve", "--port", str(self.port), "--no-demo"],
            env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("the server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, *, duration: int, connections: int, script: Path | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    latency = {p: float(v) * _UNITS[u] for p, v, u in
               re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    return {"rps": rps, "p50_ms": latency.get("50"), "p99_ms": latency.get("99"),
            "non_2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(0) if errors else None}


def rotation_script(folder: Path, name: str, paths: list[str]) -> Path:
    lua = folder / f"{name}.lua"
    listed = ",\n".join(f'  "{p}"' for p in paths)
    lua.write_text(f"paths = {{\n{listed}\n}}\ncounter = 0\n"
                   "request = function()\n  counter = counter + 1\n"
                   "  return wrk.format(\"GET\", paths[(counter % #paths) + 1])\nend\n")
    return lua


def listed_days(database_url: str) -> list[str]:
    from paperwire.store import Database
    db = Database(database_url)
    with db.read() as connection:
        days = connection.execute(text("SELECT DISTINCT day FROM day_listings ORDER BY day")
                                  ).scalars().all()
    db.dispose()
    return list(days)


def run_suite(label: str, env: dict[str, str], days: list[str], folder: Path,
              args: argparse.Namespace) -> list[dict]:
    server = Server(env)
    rows = []
    try:
        day_paths = rotation_script(folder, "days", [f"/papers/date/{d}" for d in days])
        api_paths = rotation_script(folder, "api", [f"/api/daily_papers?date={d}" for d in days])
        search_paths = rotation_script(folder, "search", [
            "/search?" + httpx.QueryParams({"q": q}).__str__() for q in QUERIES])
        targets = [
            ("baseline: /healthz", "/healthz", None),
            ("baseline: static file", "/static/style.css", None),
            ("daily page, one day", f"/papers/date/{DAY}", None),
            ("/api/daily_papers, one day", f"/api/daily_papers?date={DAY}", None),
            ("daily page, 580 days in rotation", "/", day_paths),
            ("/api/daily_papers, 580 days in rotation", "/", api_paths),
            ("search page, 20 queries in rotation", "/", search_paths),
        ]
        for name, path, script in targets:
            wrk(server.base + path, duration=2, connections=args.connections, script=script)
            result = wrk(server.base + path, duration=args.duration,
                         connections=args.connections, script=script)
            result.update(server=label, target=name)
            rows.append(result)
            print(f"{label:<28} {name:<42} {result['rps']:>8.0f} req/s  "
                  f"p50 {result['p50_ms']:>7.1f} ms  p99 {result['p99_ms']:>7.1f} ms"
                  + (f"  non-2xx {result['non_2xx']}" if result["non_2xx"] else ""),
                  file=sys.stderr)
    finally:
        server.stop()
    baseline = rows[0]["rps"]
    for row in rows:
        row["ratio_to_healthz"] = round(row["rps"] / baseline, 2)
    return rows


def markdown(rows: list[dict]) -> str:
    lines = ["| server | target | req/s | p50 ms | p99 ms | req/s ÷ /healthz |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['server']} | {r['target']} | {r['rps']:,.0f} | {r['p50_ms']:.1f} | "
                     f"{r['p99_ms']:.1f} | {r['ratio_to_healthz']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per target")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--pg", metavar="URL", help="also run on a fresh PostgreSQL database "
                                                    "made with this admin URL")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: `apt-get install -y wrk` (or `make bench-web`)")
    if not HF_DATA.exists():
        raise SystemExit(f"missing {HF_DATA}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="paperwire-bench-web-") as tmp:
        folder = Path(tmp)
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWIRE_")}
        databases = [("SQLite", f"sqlite:///{folder / 'paperwire.db'}")]
        drop_pg = None
        if args.pg:
            pg_url, drop_pg = fresh_pg_database(args.pg)
            databases.append(("PostgreSQL", pg_url))
        for name, url in databases:
            env = dict(base_env, PAPERWIRE_DATABASE_URL=url, PAPERWIRE_DATA_DIR=str(folder),
                       PAPERWIRE_JOBS_ENABLED="false")  # measure serving, not harvesting
            started = time.perf_counter()
            paperwire("import", str(HF_DATA), env=env)
            print(f"{name}: imported {HF_DATA.name} in {time.perf_counter() - started:.1f} s",
                  file=sys.stderr)
            days = listed_days(url)
            rows += run_suite(f"{name}, shipped (cache 5 s)", env, days, folder, args)
            rows += run_suite(f"{name}, cache off", dict(env, PAPERWIRE_WEB_CACHE_SECONDS="0"),
                              days, folder, args)
        if drop_pg:
            drop_pg()
    print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; wrk -t2 -c{args.connections} -d{args.duration}s "
          f"on loopback. Target: >= {TARGET_RPS} req/s, p99 < {TARGET_P99_MS} ms.\n")
    print(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode() if args.json else markdown(rows))


if __name__ == "__main__":
    main()
