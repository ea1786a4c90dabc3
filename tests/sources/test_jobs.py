"""The schedule: computed from settings, run by APScheduler inside `paperwire serve`."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone

import pytest
from werkzeug import Response

from paperwire.config import ConfigError, load_config
from paperwire.jobs import HarvestScheduler, due_at_start, run_source_job, scheduled_sources
from paperwire.store import Database
from paperwire.store.harvest_runs import runs_of

from ..conftest import run_cli, start_server
from .replay import FORMATS_TESTDATA, Replay

UTC = timezone.utc


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def hf_everyday(replay: Replay) -> None:
    body = (FORMATS_TESTDATA / "hf_api" / "2026-08-21.json").read_bytes()
    replay.on("/api/daily_papers", lambda request: Response(body, content_type="application/json"))


def test_default_schedule_runs_arxiv_daily_after_the_announcement() -> None:
    sources = {s.name: s for s in scheduled_sources(load_config({}, environ={}))}
    assert set(sources) == {"arxiv", "arxiv-rss"}
    assert sources["arxiv"].next_run(at("2026-07-20T06:59:00")) == at("2026-07-20T07:00:00")
    assert sources["arxiv"].next_run(at("2026-07-20T07:00:00")) == at("2026-07-21T07:00:00")
    assert sources["arxiv-rss"].next_run(at("2026-07-20T12:00:00")) == at("2026-07-21T05:30:00")


def test_hf_runs_hourly_when_enabled() -> None:
    [hf] = scheduled_sources(load_config({"harvest_sources": "hf"}, environ={}))
    assert hf.next_run(at("2026-07-20T10:21:00")) == at("2026-07-20T11:20:00")


@pytest.mark.parametrize("settings, message", [
    ({"harvest_sources": "arxiv,nope"}, "unknown source 'nope'"),
    ({"harvest_sources": "arxiv-api"}, "on demand only"),
    ({"schedule_arxiv": "every day at seven"}, "schedule_arxiv: not a cron line"),
    ({"schedule_arxiv": "61 7 * * *"}, "schedule_arxiv: not a cron line"),
])
def test_bad_schedule_settings_are_refused_with_their_name(settings: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        scheduled_sources(load_config(settings, environ={}))


def test_a_source_is_due_at_start_when_a_scheduled_time_passed_since_its_last_run() -> None:
    [arxiv] = scheduled_sources(load_config({"harvest_sources": "arxiv"}, environ={}))
    now = at("2026-07-20T12:00:00")
    assert due_at_start(arxiv, None, now)
    assert not due_at_start(arxiv, at("2026-07-20T07:00:05"), now)
    assert due_at_start(arxiv, at("2026-07-19T23:00:00"), now)


def test_the_job_function_harvests_and_never_raises(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    hf_everyday(replay)
    config = make_config(db_url, harvest_sources="hf", harvest_first_days=1)
    [report] = run_source_job(db, config, "hf")
    assert report.status == "ok" and report.pages == 2 and report.new == 2
    broken = make_config(db_url, hf_api_url="http://127.0.0.1:9/nothing", http_max_retries=1)
    [failed] = run_source_job(db, broken, "hf")
    assert failed.status == "failed" and "ConnectError" in failed.error


def test_the_scheduler_catches_up_on_a_missed_run_at_start(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    hf_everyday(replay)
    scheduler = HarvestScheduler(db, make_config(db_url, harvest_sources="hf",
                                                 harvest_first_days=1))
    try:
        assert scheduler.start() == ["hf"]
        deadline = time.time() + 30
        while time.time() < deadline:
            with db.read() as connection:
                runs = runs_of(connection, "hf")
            if runs and runs[0]["status"] != "running":
                break
            time.sleep(0.2)
        assert runs and runs[0]["status"] == "ok" and runs[0]["new"] == 2
        job = scheduler.scheduler.get_job("harvest-hf")
        assert job.next_run_time.minute == 20
    finally:
        scheduler.shutdown()
    second = HarvestScheduler(db, make_config(db_url, harvest_sources="hf"))
    try:
        assert second.start() == []  # it ran since the last scheduled time
    finally:
        second.shutdown()


def test_serve_runs_the_enabled_sources_and_no_jobs_turns_them_off(
        replay: Replay, cli_env: dict[str, str]) -> None:
    hf_everyday(replay)
    env = {**cli_env, "PAPERWIRE_JOBS_ENABLED": "true", "PAPERWIRE_HARVEST_SOURCES": "hf",
           "PAPERWIRE_HF_API_URL": replay.url("/api/daily_papers"),
           "PAPERWIRE_HF_REQUEST_INTERVAL": "0", "PAPERWIRE_HARVEST_FIRST_DAYS": "1"}
    for jobs_flag, expected_runs in (("--no-jobs", 0), ("--jobs", 1)):
        process, _ = start_server(env, "--no-demo", jobs_flag)
        try:
            deadline = time.time() + (30 if expected_runs else 2)
            while True:  # a catch-up harvest starts at once; wait for it to finish
                rows = json.loads(run_cli("sources", "--json", env=env, check=True).stdout)
                hf = [row for row in rows if row["source"] == "hf"][0]
                finished = hf["last_run"] and hf["last_run"]["status"] != "running"
                if finished or time.time() > deadline:
                    break
                time.sleep(0.5)
            assert hf["scheduled"] and hf["schedule"] == "20 * * * *"
            if expected_runs:
                assert hf["last_run"]["status"] == "ok" and hf["last_run"]["new"] == 2
        finally:
            process.terminate()
            output = process.communicate(timeout=30)[0]
        if expected_runs:
            assert "scheduled harvests: hf (catching up now: hf)" in output
        else:
            assert hf["last_run"] is None and "scheduled harvests" not in output
