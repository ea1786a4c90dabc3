"""`paperwire harvest-runs` as a real process: recent runs, one run with its pages, and
clear errors for what it cannot show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..conftest import run_cli
from .replay import Replay, harvest_env, oai_script


def test_lists_runs_and_shows_a_run_with_its_pages(
        db_url: str, replay: Replay, cli_env: dict[str, str]) -> None:
    replay.on("/oai", oai_script())
    env = harvest_env(cli_env, replay, db_url)
    run_cli("harvest", "arxiv", "--from", "2007-01-01", env=env, check=True)
    run_cli("harvest", "arxiv", env=env, check=True)

    runs = json.loads(run_cli("harvest-runs", "--json", env=env, check=True).stdout)
    assert [(r["source"], r["key"], r["status"], r["new"], r["unchanged"]) for r in runs] == [
        ("arxiv", "physics", "ok", 0, 11), ("arxiv", "physics", "ok", 11, 0)]
    limited = json.loads(run_cli("harvest-runs", "--source", "arxiv", "--limit", "1", "--json",
                                 env=env, check=True).stdout)
    assert [r["id"] for r in limited] == [runs[0]["id"]]
    assert json.loads(run_cli("harvest-runs", "--source", "hf", "--json", env=env,
                              check=True).stdout) == []

    first = runs[1]
    shown = json.loads(run_cli("harvest-runs", str(first["id"]), "--json", env=env,
                               check=True).stdout)
    assert shown["run"] == first and first["pages"] == 3
    rows = shown["pages"]
    assert [p["number"] for p in rows] == [1, 2, 3]
    assert [p["new"] for p in rows] == [4, 4, 3] and sum(p["fetched"] for p in rows) == 11

    table = run_cli("harvest-runs", str(first["id"]), env=env, check=True).stdout
    assert f"run {first['id']}  arxiv physics: ok" in table
    assert [line.split()[0] for line in table.splitlines()[1:]] == ["page", "1", "2", "3"]
    listing = run_cli("harvest-runs", env=env, check=True).stdout
    assert listing.count("arxiv physics: ok") == 2


def test_an_unknown_run_is_a_clear_error(tmp_path: Path, cli_env: dict[str, str]) -> None:
    env = {**cli_env, "PAPERWIRE_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    run_cli("db", "upgrade", env=env, check=True)
    result = run_cli("harvest-runs", "4242", env=env)
    assert result.returncode == 1 and "No harvest run 4242" in result.stderr
    assert run_cli("harvest-runs", env=env, check=True).stdout.strip() == "no harvest runs"


@pytest.mark.parametrize(("args", "message"), [
    (["abc"], "'abc' is not a valid integer"),
    (["0"], "0 is not in the range"),
    (["99999999999999999999"], "is not in the range"),
    (["--limit", "0"], "0 is not in the range 1<=x<=10000"),
    (["--limit", str(10**12)], "is not in the range 1<=x<=10000"),
    (["--source", "x'; drop"], "is not one of 'arxiv'"),
    (["7", "--limit", "5"], "leave them out with RUN_ID"),
])
def test_hostile_input_is_a_usage_error(args: list[str], message: str,
                                        cli_env: dict[str, str], tmp_path: Path) -> None:
    env = {**cli_env, "PAPERWIRE_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    result = run_cli("harvest-runs", *args, env=env)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
