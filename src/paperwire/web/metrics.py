"""Prometheus metrics: this process's request counters, plus counts read from the database
at scrape time (harvest runs, imports, digests, papers), which are the same whichever web
process is scraped, so a cluster of processes never double counts background work."""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..store import Database

# (metric, help, SQL returning (label value..., count), label names)
DATABASE_COUNTS = [
    ("paperwire_papers", "Papers in the database.", "SELECT COUNT(*) FROM papers", []),
    ("paperwire_harvest_runs", "Harvest runs recorded, by source and status.",
     "SELECT source, status, COUNT(*) FROM harvest_runs GROUP BY source, status",
     ["source", "status"]),
    ("paperwire_harvest_records", "Records harvested, by source and outcome.",
     "SELECT source, SUM(new), SUM(updated), SUM(unchanged), SUM(rejected) FROM harvest_runs "
     "GROUP BY source", ["source"]),
    ("paperwire_import_runs", "File imports recorded.", "SELECT COUNT(*) FROM import_runs", []),
    ("paperwire_digests", "Digests by status (sent, skipped, failed, claimed).",
     "SELECT status, COUNT(*) FROM digests GROUP BY status", ["status"]),
    ("paperwire_jobs", "Background tasks in the workers' queue, by task and status.",
     "SELECT task_name, status, COUNT(*) FROM procrastinate_jobs GROUP BY task_name, status",
     ["task", "status"]),
]


class DatabaseCollector:
    def __init__(self, db: Database):
        self.db = db

    def collect(self) -> Any:
        with self.db.read() as connection:
            for name, help_text, sql, labels in DATABASE_COUNTS:
                try:
                    # A savepoint, so a missing table does not abort PostgreSQL's transaction.
                    with connection.begin_nested():
                        rows = connection.execute(text(sql)).all()
                except SQLAlchemyError:  # a table a feature has not created
                    continue
                if name == "paperwire_harvest_records":
                    family = GaugeMetricFamily(name, help_text, labels=["source", "outcome"])
                    for source, *counts in rows:
                        for outcome, count in zip(("new", "updated", "unchanged", "rejected"),
                                                  counts):
                            family.add_metric([source, outcome], float(count or 0))
                else:
                    family = GaugeMetricFamily(name, help_text, labels=labels)
                    for *values, count in rows:
                        family.add_metric([str(v) for v in values], float(count or 0))
                yield family


class SearchIndexCollector:
    """This process's in-process search indexes: how many papers each holds (0 while the
    word index is still being built, and below `search_word_index_min`)."""

    def __init__(self, db: Database):
        self.db = db

    def collect(self) -> Any:
        from ..search.vectors import INDEXES
        from ..search.word_index import WORD_INDEXES
        family = GaugeMetricFamily("paperwire_search_index_papers",
                                   "Papers held by this process's search indexes.",
                                   labels=["index"])
        family.add_metric(["words"], float(WORD_INDEXES.size(self.db)))
        family.add_metric(["vectors"], float(INDEXES.size(self.db)))
        yield family


class Metrics:
    def __init__(self, db: Database):
        self.registry = CollectorRegistry()
        self.requests = Counter("paperwire_http_requests", "HTTP requests answered.",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("paperwire_http_request_seconds", "Time to answer a request.",
                                 ["route"], registry=self.registry,
                                 buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10))
        self.registry.register(DatabaseCollector(db))
        self.registry.register(SearchIndexCollector(db))


class MetricsMiddleware:
    """Counts requests by route template (not raw path, so ids do not explode the labels)."""

    def __init__(self, app: Any, metrics: Metrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def record_status(message: dict) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)
        try:
            await self.app(scope, receive, record_status)
        finally:
            route = getattr(scope.get("route"), "path", None) or (
                "/static" if scope.get("path", "").startswith("/static/") else "unmatched")
            self.metrics.requests.labels(scope.get("method", ""), route,
                                         str(status["code"])).inc()
            self.metrics.latency.labels(route).observe(time.perf_counter() - started)
