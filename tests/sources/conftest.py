"""Fixtures for the live sources: the replay server and settings that point at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from paperwire.config import Config, load_config

from .replay import Replay


@pytest.fixture
def replay() -> Iterator[Replay]:
    server = Replay().start()
    yield server
    server.stop()


def harvest_settings(replay: Replay, **overrides: object) -> dict[str, object]:
    """Settings for harvesting from the replay server, with no politeness delays."""
    settings: dict[str, object] = {
        "arxiv_oai_url": replay.url("/oai"), "arxiv_api_url": replay.url("/api/query"),
        "arxiv_rss_url": replay.url("/rss"), "hf_api_url": replay.url("/api/daily_papers"),
        "github_api_url": replay.url("/github"), "arxiv_request_interval": 0,
        "hf_request_interval": 0, "github_request_interval": 0, "http_backoff_seconds": 0.01,
        "http_max_retries": 3, "http_read_timeout": 5, "http_connect_timeout": 5,
        "arxiv_sets": "physics", "harvest_contact": "harvest-tests@example.org",
    }
    settings.update(overrides)
    return settings


@pytest.fixture
def make_config(replay: Replay):  # noqa: ANN201
    def make(db_url: str | None = None, **overrides: object) -> Config:
        settings = harvest_settings(replay, **overrides)
        if db_url:
            settings["database_url"] = db_url
        return load_config(settings, environ={})
    return make
