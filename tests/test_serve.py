"""`paperwire serve` as a real process on a free port, on the embedded default."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from .conftest import run_cli, running_server


@pytest.fixture
def served(cli_env: dict[str, str]) -> Iterator[str]:
    with running_server(cli_env) as base:
        yield base


def test_serve_on_an_empty_database_loads_the_demo_and_lists_it(served: str,
                                                                 cli_env: dict[str, str]) -> None:
    page = httpx.get(served + "/")
    assert page.status_code == 200
    assert "Paperwire" in page.text and page.text.count("<li class=\"card\"") == 17  # 21 Aug 2026
    health = httpx.get(served + "/healthz").json()
    assert health["status"] == "ok"
    stats = run_cli("stats", "--json", env=cli_env, check=True).stdout
    assert '"papers": 529' in stats  # 442 HF records of 440 papers, and 89 listing papers


def test_init_demo_is_idempotent(cli_env: dict[str, str]) -> None:
    first = run_cli("init", "--demo", "--json", env=cli_env, check=True).stdout
    second = run_cli("init", "--demo", "--json", env=cli_env, check=True).stdout
    assert '"read": 531' in first and '"new": 529' in first
    assert '"new": 0' in second and '"unchanged": 531' in second
