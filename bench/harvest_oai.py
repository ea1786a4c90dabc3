"""OAI-PMH harvest benchmark: parse and store arXivRaw ListRecords pages, network excluded.

    .venv/bin/python bench/harvest_oai.py [--pages 60] [--pg URL] [--json]

Generates pages of 1,000 records (bench/synthetic.py: the real dump's field lengths, in
the layout of arXiv's OAI-PMH service), then runs side by side on the same records:
  1. OAI-PMH pages: read_page (defusedxml, streamed) + Importer.import_results, page by
     page as the harvester does, into a fresh SQLite file;
  2. the baseline: the same records as Kaggle JSON Lines, imported by the file importer
     in one process (the foundation's measured path), into a fresh SQLite file;
  3. the whole `arxiv` harvester over a local HTTP server (no spacing), SQLite;
  4. OAI-PMH pages into a fresh PostgreSQL database (skipped without --pg).
Then projects a full `cs` backfill, given arXiv's page size and its 3-second spacing.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_bulk import fresh_pg_database  # noqa: E402
from synthetic import arxiv_raw_record, kaggle_records, list_records_page  # noqa: E402

from paperwire.config import load_config  # noqa: E402
from paperwire.formats.oai_pmh import read_page  # noqa: E402
from paperwire.ingest import ImportSummary, Importer  # noqa: E402
from paperwire.sources import HarvestOptions, get_source, run_harvest  # noqa: E402
from paperwire.store import Database  # noqa: E402

PAGE_SIZE = 1_000
CS_RECORDS = 700_000  # the cs set, about (the lead's figure; arXiv lists ~750k cs papers)
ARXIV_INTERVAL_S = 3.0


def make_pages(count: int) -> tuple[list[bytes], list[dict]]:
    rows = list(kaggle_records(count * PAGE_SIZE, seed=7))
    pages = []
    for number in range(count):
        chunk = rows[number * PAGE_SIZE:(number + 1) * PAGE_SIZE]
        token = f"bench|{(number + 1) * PAGE_SIZE + 1}" if number + 1 < count else None
        pages.append(list_records_page([arxiv_raw_record(r) for r in chunk], token,
                                       number * PAGE_SIZE, count * PAGE_SIZE).encode())
    return pages, rows


def timed(records: int, run, url: str | None = None) -> dict:  # noqa: ANN001
    if url:  # the schema is created before the clock starts
        Database(url).upgrade()
    start = time.perf_counter()
    counts = run()
    seconds = time.perf_counter() - start
    return {"seconds": round(seconds, 2), "records_per_s": round(records / seconds), **counts}


def store_pages(url: str, pages: list[bytes]) -> dict:
    db = Database(url)
    db.upgrade()
    importer = Importer(db, batch_size=2000)
    summary = ImportSummary()
    for number, body in enumerate(pages, 1):
        page = read_page(io.BytesIO(body), f"page {number}")
        importer.import_results(page.results, summary)
    db.dispose()
    return summary.counts.as_dict()


def import_kaggle(url: str, path: Path) -> dict:
    db = Database(url)
    db.upgrade()
    summary = Importer(db, workers=1).import_paths([str(path)])
    db.dispose()
    return summary.counts.as_dict()


def harvest_over_http(url: str, pages: list[bytes]) -> dict:
    from pytest_httpserver import HTTPServer
    from werkzeug import Response

    by_token = {None: pages[0]}
    by_token.update({f"bench|{(n + 1) * PAGE_SIZE + 1}": body for n, body in enumerate(pages[1:])})
    server = HTTPServer(host="127.0.0.1", port=0)
    server.expect_request("/oai").respond_with_handler(lambda request: Response(
        by_token[request.args.get("resumptionToken")], content_type="text/xml"))
    server.start()
    try:
        db = Database(url)
        db.upgrade()
        config = load_config({"database_url": url, "arxiv_oai_url": server.url_for("/oai"),
                              "arxiv_request_interval": 0, "arxiv_sets": "cs"}, environ={})
        [report] = run_harvest(db, config, get_source("arxiv"),
                               HarvestOptions(from_day="2015-01-01"))
        db.dispose()
    finally:
        server.clear()
        server.stop()
    return {"read": report.fetched, "new": report.new, "pages": report.pages,
            "status": report.status}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=60, help="pages of 1,000 records")
    parser.add_argument("--pg", default=os.environ.get("PAPERWIRE_TEST_PG_URL"),
                        help="PostgreSQL admin URL (default: $PAPERWIRE_TEST_PG_URL)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per replayed request
    records = args.pages * PAGE_SIZE

    with tempfile.TemporaryDirectory(prefix="paperwire-bench-") as tmp:
        folder = Path(tmp)
        pages, rows = make_pages(args.pages)
        kaggle = folder / "same-records.jsonl"
        kaggle.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
        results: dict = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                       f"{platform.python_version()}",
            "records": records, "page_size": PAGE_SIZE,
            "oai_mb": round(sum(map(len, pages)) / 2**20, 1),
            "kaggle_mb": round(kaggle.stat().st_size / 2**20, 1),
        }
        oai_url, kaggle_url = f"sqlite:///{folder / 'oai.db'}", f"sqlite:///{folder / 'kaggle.db'}"
        results["oai_pages_sqlite"] = timed(records, lambda: store_pages(oai_url, pages), oai_url)
        results["kaggle_baseline_sqlite"] = timed(records, lambda: import_kaggle(
            kaggle_url, kaggle), kaggle_url)
        results["ratio_oai_vs_kaggle"] = round(results["oai_pages_sqlite"]["records_per_s"]
                                               / results["kaggle_baseline_sqlite"]["records_per_s"], 2)
        http_url = f"sqlite:///{folder / 'http.db'}"
        results["harvester_local_http_sqlite"] = timed(records, lambda: harvest_over_http(
            http_url, pages), http_url)
        if args.pg:
            pg_url, drop = fresh_pg_database(args.pg)
            try:
                results["oai_pages_postgresql"] = timed(records, lambda: store_pages(pg_url, pages),
                                                        pg_url)
            finally:
                drop()

    rate = results["oai_pages_sqlite"]["records_per_s"]
    processing_per_page = PAGE_SIZE / rate
    projection = {}
    for page_size in (1_000, 2_000):
        requests = -(-CS_RECORDS // page_size)
        # The spacing counts from one request's start to the next: parsing and storing a page
        # happen inside the wait, so a page costs max(3 s, response time + processing).
        processing = page_size / rate
        projection[f"pages_of_{page_size}"] = {
            "requests": requests,
            "hours_if_server_answers_in_1s": round(
                requests * max(ARXIV_INTERVAL_S, 1 + processing) / 3600, 2),
            "hours_if_server_answers_in_5s": round(
                requests * max(ARXIV_INTERVAL_S, 5 + processing) / 3600, 2),
            "parse_and_store_minutes": round(CS_RECORDS / rate / 60, 1),
        }
    results["cs_backfill_projection"] = {"records": CS_RECORDS,
                                         "processing_s_per_1000_page": round(processing_per_page, 3),
                                         **projection}

    if args.json:
        print(orjson.dumps(results, option=orjson.OPT_INDENT_2).decode())
        return
    print(f"machine: {results['machine']}; {records:,} records in {args.pages} pages "
          f"({results['oai_mb']} MB of XML; {results['kaggle_mb']} MB as Kaggle JSON)")
    print("| run | seconds | records/s |")
    print("|---|---|---|")
    for name in ("oai_pages_sqlite", "kaggle_baseline_sqlite", "harvester_local_http_sqlite",
                 "oai_pages_postgresql"):
        if name in results:
            print(f"| {name} | {results[name]['seconds']} | {results[name]['records_per_s']:,} |")
    print(f"ratio OAI-PMH / Kaggle baseline: {results['ratio_oai_vs_kaggle']}")
    print("cs backfill projection:", orjson.dumps(results["cs_backfill_projection"]).decode())


if __name__ == "__main__":
    main()
