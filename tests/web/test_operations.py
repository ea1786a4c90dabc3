"""What operators watch: /readyz, /metrics and JSON logs, through a real server process."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import text

from paperwire.logs import JsonFormatter, logging_config
from paperwire.store.migrate import head_revision
from tests.conftest import start_server
from tests.web.conftest import make_client


def test_readyz_is_ready_when_the_schema_is_current(papers_db):
    with make_client(papers_db) as client:
        answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json()["schema_revision"] == head_revision() == answer.json()["expected_revision"]


def test_readyz_is_not_ready_on_an_old_schema(papers_db):
    with papers_db.write() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001_papers'"))
    try:
        with make_client(papers_db) as client:
            answer = client.get("/readyz")
            health = client.get("/healthz")
    finally:  # the PostgreSQL test database is shared by the whole session
        with papers_db.write() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :head"),
                               {"head": head_revision()})
    assert answer.status_code == 503 and answer.json()["status"] == "not ready"
    assert health.status_code == 200  # alive, just not ready for traffic


def test_metrics_count_requests_by_route_and_read_the_database(papers_db):
    with papers_db.write() as connection:
        connection.execute(text(
            "INSERT INTO harvest_runs (source, key, started_at, status, new, updated) "
            "VALUES ('arxiv', 'cs', '2026-11-26T00:00:00Z', 'ok', 7, 2)"))
    with make_client(papers_db) as client:
        client.get("/")
        client.get("/papers/2502.00001")
        client.get("/papers/2502.00003")
        client.get("/no/such/page")
        body = client.get("/metrics").text
    assert 'paperwire_http_requests_total{method="GET",route="/papers/{paper_id:path}",' \
        'status="200"} 2.0' in body
    assert 'route="unmatched",status="404"' in body
    assert 'paperwire_harvest_runs{source="arxiv",status="ok"} 1.0' in body
    assert 'paperwire_harvest_records{outcome="new",source="arxiv"} 7.0' in body
    papers = [line for line in body.splitlines() if line.startswith("paperwire_papers ")]
    assert papers and float(papers[0].split()[1]) > 0
    # small database: no word index (below search_word_index_min), nothing embedded
    assert 'paperwire_search_index_papers{index="words"} 0.0' in body
    assert 'paperwire_search_index_papers{index="vectors"} 0.0' in body


def test_json_log_lines():
    import io
    import logging
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("paperwire.test.json")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        logger.info("harvested", extra={"source": "arxiv", "new": 3})
    finally:
        logger.removeHandler(handler)
    entry = json.loads(stream.getvalue().strip())
    assert entry["message"] == "harvested" and entry["source"] == "arxiv" and entry["new"] == 3
    assert entry["level"] == "info" and entry["time"].endswith("Z")
    assert logging_config("json")["formatters"]["main"]["()"] is JsonFormatter
    assert "format" in logging_config("text")["formatters"]["main"]


def test_json_formatter_keeps_exceptions():
    import logging
    try:
        raise ValueError("boom")
    except ValueError:
        import sys
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed %s", ("job",),
                                   sys.exc_info())
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "failed job" and "ValueError: boom" in entry["exception"]


def test_serve_writes_json_logs_and_answers_readyz(cli_env):
    cli_env["PAPERWIRE_LOG_FORMAT"] = "json"
    cli_env["PAPERWIRE_WEB_ACCESS_LOG"] = "true"
    process, base = start_server(cli_env, "--no-jobs")
    try:
        assert httpx.get(f"{base}/readyz").status_code == 200
        assert "paperwire_http_requests_total" in httpx.get(f"{base}/metrics").text
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    entries = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert any(e["logger"] == "uvicorn.access" for e in entries), output
    assert any("/readyz" in e["message"] for e in entries)
