"""GitHub stars refresh against the replay server: history, 304s, the rate limit."""

from __future__ import annotations

import time

from werkzeug import Request, Response

from paperwire.ingest import BatchWriter
from paperwire.records import PaperRecord
from paperwire.sources import HarvestOptions, get_source, run_harvest
from paperwire.sources.github import repo_path
from paperwire.store import Database
from paperwire.store.github_stars import stars_history
from paperwire.store.papers import encode_paper, get_paper

from .replay import TESTDATA, Replay, recording

REPO = "https://github.com/octo-lab/sparse-routers"


def store_papers(db: Database, *repos: str) -> None:
    BatchWriter(db).write([encode_paper(PaperRecord(
        title=f"Paper {n}", arxiv_id=f"2607.3000{n}", github_repo=repo, github_stars=1000))
        for n, repo in enumerate(repos, 1)])


def harvest(db: Database, config):  # noqa: ANN001, ANN201
    [report] = run_harvest(db, config, get_source("github"), HarvestOptions())
    return report


def stars_of(db: Database, key: str) -> int | None:
    with db.read() as connection:
        return get_paper(connection, key).record.github_stars


def github(replay: Replay, first: list[Response] | None = None) -> None:
    queued = list(first or [])

    def handler(request: Request) -> Response:
        if queued:
            return queued.pop(0)
        if request.headers.get("If-None-Match") == 'W/"5f1c2d0e9b7a"':
            return Response(status=304)
        return recording(TESTDATA / "github" / "repo_ok.json")
    replay.on("/github/repos/octo-lab/sparse-routers", handler)


def test_stars_are_refreshed_with_a_history_and_304s_cost_nothing(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    store_papers(db, REPO)
    github(replay)
    config = make_config(db_url, github_token="ghp_testtoken")
    first = harvest(db, config)
    assert (first.status, first.fetched, first.updated) == ("ok", 1, 1)
    assert stars_of(db, "2607.30001") == 1287
    hit = replay.hits[0]
    assert hit.headers["Authorization"] == "Bearer ghp_testtoken"
    assert hit.headers["Accept"] == "application/vnd.github+json"
    time.sleep(1.1)  # observations are keyed by the second
    second = harvest(db, config)
    assert (second.not_modified, second.unchanged) == (1, 1)
    with db.read() as connection:
        history = stars_history(connection, REPO)
    assert [stars for _, stars in history] == [1287, 1287] and history[0][0] < history[1][0]


def test_a_far_rate_limit_reset_stops_the_run_cleanly(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    store_papers(db, REPO)
    reset = str(int(time.time()) + 3600)
    github(replay, [recording(TESTDATA / "github" / "429_rate_limited.json", reset=reset)])
    report = harvest(db, make_config(db_url, http_max_wait_seconds=60))
    assert report.status == "failed" and "HTTP 429" in report.error
    assert "longer than http_max_wait_seconds" in report.error and len(replay.hits) == 1
    assert stars_of(db, "2607.30001") == 1000


def test_a_near_rate_limit_reset_is_waited_for(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    store_papers(db, REPO)
    reset = str(int(time.time()) + 2)
    github(replay, [recording(TESTDATA / "github" / "429_rate_limited.json", reset=reset)])
    report = harvest(db, make_config(db_url))
    assert (report.status, report.retries, report.updated) == ("ok", 1, 1)
    assert replay.hits[1].at - replay.hits[0].at >= 0.9


def test_unknown_and_malformed_repositories_are_rejected(
        db: Database, db_url: str, replay: Replay, make_config) -> None:  # noqa: ANN001
    store_papers(db, "https://github.com/octo-lab/gone", "https://gitlab.com/octo-lab/elsewhere")
    replay.on("/github/repos/octo-lab/gone", lambda request: Response(
        '{"message": "Not Found"}', status=404, content_type="application/json"))
    report = harvest(db, make_config(db_url))
    assert report.status == "ok" and report.rejected == 2
    assert {r.reason for r in report.rejections} == {
        "repository not found on GitHub (HTTP 404)", "not a GitHub repository URL"}
    assert [hit.path for hit in replay.hits] == ["/github/repos/octo-lab/gone"]


def test_repo_paths() -> None:
    assert repo_path("https://github.com/Owner/Name.git") == "Owner/Name"
    assert repo_path("https://github.com/owner/name/tree/main/src") == "owner/name"
    assert repo_path("https://github.com/owner/..") is None
    assert repo_path("https://github.com/owner") is None
    assert repo_path("https://example.org/github.com/owner/name") is None
