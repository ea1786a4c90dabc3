"""`paperwire harvest` and `paperwire sources` as a person or a script uses them."""

from __future__ import annotations

import json

import pytest

from ..conftest import run_cli
from .replay import TESTDATA, Replay, xml_file


@pytest.mark.parametrize("args, message", [
    (["arxiv-api"], "arxiv-api needs at least one --id"),
    (["hf", "--id", "2405.15738"], "--id applies to arxiv-api only"),
    (["github", "--from", "2024-05-01"], "--from/--until apply to arxiv and hf only"),
    (["hf", "--set", "cs"], "--set applies to arxiv and arxiv-rss only"),
    (["hf", "--from", "2024-13-01"], "'2024-13-01' does not match the format"),
    (["hf", "--from", "2024-05-02", "--until", "2024-05-01"], "is after --until"),
    (["arxiv", "--base-url", "ftp://mirror.example/oai"], "must be an http(s) URL"),
    (["nope"], "'nope' is not one of"),
])
def test_bad_invocations_say_what_is_wrong(args: list[str], message: str,
                                           cli_env: dict[str, str]) -> None:
    result = run_cli("harvest", *args, env=cli_env)
    assert result.returncode == 2 and message in result.stderr


def test_a_harvest_from_a_base_url_prints_its_summary_and_json(
        replay: Replay, cli_env: dict[str, str]) -> None:
    replay.on("/feeds/cs", lambda request: xml_file(TESTDATA / "rss" / "cs.xml"))
    env = {**cli_env, "PAPERWIRE_ARXIV_REQUEST_INTERVAL": "0"}
    human = run_cli("harvest", "arxiv-rss", "--base-url", replay.url("/feeds"), env=env)
    assert human.returncode == 1  # one item of the feed is rejected
    assert "arxiv-rss cs: ok  fetched 4  new 3" in human.stdout
    assert "watermark - -> 2026-07-20" in human.stdout
    assert "rejected arxiv-rss cs:" in human.stderr and "not an arXiv id" in human.stderr
    scripted = run_cli("harvest", "arxiv-rss", "--base-url", replay.url("/feeds"), "--json",
                       env=env)
    report = json.loads(scripted.stdout)
    assert report["exit_code"] == 1 and report["runs"][0]["unchanged"] == 3
    assert report["runs"][0]["rejections"][0]["origin"].startswith("arxiv-rss cs:")
    listing = run_cli("sources", env=env, check=True).stdout
    for name in ("arxiv", "arxiv-api", "arxiv-rss", "hf", "github", "2026-07-20", "on demand"):
        assert name in listing
    rows = {(r["source"], r["key"]): r for r in json.loads(
        run_cli("sources", "--json", env=env, check=True).stdout)}
    assert rows[("arxiv-rss", "cs")]["last_run"]["new"] == 0
    assert rows[("hf", "")]["schedule"] == "20 * * * * (not enabled)"


def test_a_failed_run_exits_2_with_its_reason(replay: Replay, cli_env: dict[str, str]) -> None:
    replay.on("/feeds/cs", lambda request: xml_file(TESTDATA / "rss" / "cs.xml", status=500))
    env = {**cli_env, "PAPERWIRE_ARXIV_REQUEST_INTERVAL": "0",
           "PAPERWIRE_HTTP_MAX_RETRIES": "1", "PAPERWIRE_HTTP_BACKOFF_SECONDS": "0.01"}
    result = run_cli("harvest", "arxiv-rss", "--base-url", replay.url("/feeds"), env=env)
    assert result.returncode == 2
    assert "failed:" in result.stderr and "HTTP 500, still failing after 1 retries" in result.stderr
    assert "retries 1" in result.stdout


def test_saved_oai_pages_import_like_any_file(cli_env: dict[str, str]) -> None:
    pages = [str(TESTDATA / "oai" / f"page{n}.xml") for n in (1, 2, 3)]
    result = run_cli("import", *pages, "--json", env=cli_env, check=True)
    summary = json.loads(result.stdout)
    assert summary["new"] == 11 and [f["format"] for f in summary["files"]] == ["oai-pmh"] * 3
