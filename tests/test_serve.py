"""`paperwire serve` as a real process on a free port, on the embedded default."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx
import pytest

from .conftest import REPO, run_cli


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(cli_env: dict[str, str]):  # noqa: ANN201
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "paperwire", "serve", "--port", str(port)],
                               env=cli_env, cwd=REPO, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("server did not start: " + process.stdout.read())
    yield base
    process.terminate()
    process.wait(timeout=30)


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
