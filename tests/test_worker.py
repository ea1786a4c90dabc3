"""`paperwire worker` on the real PostgreSQL: several processes, one schedule."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import text

from tests.conftest import REPO, _pg_migrated, _reset_postgres, run_cli, shared_data
from tests.test_cli import KAGGLE


@pytest.fixture
def pg_env(pg_server_url, cli_env):
    if pg_server_url is None:
        pytest.skip("PAPERWIRE_TEST_PG_URL not set")
    db = _reset_postgres(pg_server_url)
    with db.write() as connection:  # a queue left by an earlier test
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"))
    db.dispose()
    _pg_migrated.discard(pg_server_url)  # the schema went with it: migrate again
    db = _reset_postgres(pg_server_url)
    cli_env["PAPERWIRE_DATABASE_URL"] = pg_server_url
    cli_env["PAPERWIRE_HARVEST_SOURCES"] = ""  # nothing may reach the internet
    yield cli_env, db
    db.dispose()


def start_worker(env: dict, name: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "paperwire", "worker", "--name", name],
                            env=env, cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def test_workers_refuse_sqlite(cli_env):
    result = run_cli("worker", "--burst", env=cli_env)
    assert result.returncode == 1 and "workers need PostgreSQL" in result.stderr


def test_periodic_tasks_run_once_per_time_across_three_workers(pg_env):
    env, db = pg_env
    env["PAPERWIRE_SCHEDULE_MAINTENANCE"] = "* * * * * *"  # every second
    run_cli("worker", "jobs", env=env, check=True)  # creates the queue tables once
    workers = [start_worker(env, f"w{i}") for i in range(3)]
    try:
        time.sleep(8)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        outputs = [w.communicate(timeout=60)[0] for w in workers]
    with db.read() as connection:
        rows = connection.execute(text(
            "SELECT (args->>'timestamp')::bigint, status, worker_id FROM procrastinate_jobs "
            "WHERE task_name = 'paperwire.prune_rate_limits'")).all()
    stamps = [r[0] for r in rows]
    assert len(stamps) >= 3, outputs
    assert len(stamps) == len(set(stamps)), "a scheduled time ran more than once"
    assert len(stamps) <= 12  # about one per second, not three
    assert {str(r[1]) for r in rows} <= {"succeeded", "doing", "todo"}


def test_a_harvest_is_queued_once_per_source(pg_env):
    env, db = pg_env
    first = json.loads(run_cli("worker", "defer", "hf", "--json", env=env, check=True).stdout)
    second = json.loads(run_cli("worker", "defer", "hf", "--json", env=env, check=True).stdout)
    other = json.loads(run_cli("worker", "defer", "github", "--json", env=env, check=True).stdout)
    assert first["queued"] and not second["queued"] and other["queued"]
    jobs = json.loads(run_cli("worker", "jobs", "--json", env=env, check=True).stdout)
    assert sorted(j["task"] for j in jobs) == ["paperwire.harvest", "paperwire.harvest"]
    from prometheus_client import generate_latest

    from paperwire.web.metrics import Metrics
    exposed = generate_latest(Metrics(db).registry).decode()
    assert 'paperwire_jobs{status="todo",task="paperwire.harvest"} 2.0' in exposed
    bad = run_cli("worker", "defer", "nope", env=env)
    assert bad.returncode == 2 and "unknown source" in bad.stderr


def test_workers_embed_new_papers(pg_env, tmp_path):
    """With web processes on `--no-jobs`, the workers embed: one run at a time."""
    env, db = pg_env
    sample = tmp_path / "twelve.jsonl"
    lines = shared_data(*KAGGLE).read_text().splitlines()[:12]
    sample.write_text("\n".join(lines) + "\n")
    env["PAPERWIRE_SCHEDULE_EMBED"] = "* * * * * *"  # every second
    env["PAPERWIRE_EMBED_RUNTIME"] = "torch"  # no ONNX export in this test's data folder
    run_cli("import", str(sample), env=env, check=True)
    with db.read() as connection:
        papers = connection.execute(text("SELECT COUNT(*) FROM papers")).scalar_one()
    assert papers > 0
    run_cli("worker", "jobs", env=env, check=True)
    workers = [start_worker(env, f"e{i}") for i in range(2)]
    try:
        deadline = time.monotonic() + 240
        embedded = 0
        while time.monotonic() < deadline and embedded < papers:
            time.sleep(2)
            with db.read() as connection:
                embedded = connection.execute(text(
                    "SELECT COUNT(*) FROM paper_embeddings")).scalar_one()
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.communicate(timeout=120)
    assert embedded == papers
    with db.read() as connection:
        waiting = connection.execute(text(
            "SELECT COUNT(*) FROM procrastinate_jobs WHERE task_name = 'paperwire.embed' "
            "AND status = 'todo'")).scalar_one()
    assert waiting <= 1  # the queueing lock: never a pile of runs behind a long one
