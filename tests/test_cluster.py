"""Several processes on one PostgreSQL: two stateless web processes (each with its own data
folder, sharing only the database and the secret key) and command-line nodes."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from paperwire.community.clock import stamp
from paperwire.store.login_tokens import create_token
from paperwire.store.votes import count_votes

from .community.conftest import sign_in_over_http
from .conftest import _reset_postgres, run_cli, running_server
from .web.conftest import load

PAPER = "2502.00003"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
NEW_PAPER = {
    "id": "2611.04242", "title": "Chronometric lattices for submarine cable telemetry",
    "abstract": "We study undersea fibre optic cables as distributed seismic and tidal "
                "sensors, timing light pulses to detect strain along thousands of kilometres.",
    "authors": "Ada Example", "categories": "physics.geo-ph", "versions": [
        {"version": "v1", "created": "Mon, 2 Nov 2026 10:00:00 GMT"}],
    "update_date": "2026-11-02", "authors_parsed": [["Example", "Ada", ""]],
}


@pytest.fixture
def cluster(pg_server_url, tmp_path):
    if pg_server_url is None:
        pytest.skip("PAPERWIRE_TEST_PG_URL not set")
    db = _reset_postgres(pg_server_url)
    load(db)

    def node_env(name: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWIRE_")}
        env.update(PAPERWIRE_DATA_DIR=str(tmp_path / name), HOME=str(tmp_path / name),
                   PAPERWIRE_DATABASE_URL=pg_server_url, PAPERWIRE_JOBS_ENABLED="false",
                   PAPERWIRE_DIGEST_JOBS_ENABLED="false", PAPERWIRE_DEMO_ON_EMPTY="false",
                   PAPERWIRE_SECRET_KEY="one key for the whole cluster",
                   PAPERWIRE_WEB_CACHE_SECONDS="0")
        return env
    with running_server(node_env("web1"), "--no-jobs") as first, \
            running_server(node_env("web2"), "--no-jobs") as second:
        yield db, node_env, first, second
    db.dispose()


def test_votes_through_two_web_processes_all_count(cluster):
    db, _, first, second = cluster
    people = 30
    with db.write() as connection:
        tokens = [create_token(connection, f"voter{i}@example.org", stamp(),
                               "2999-01-01T00:00:00Z") for i in range(people)]
    # Each person signs in on one process and votes through the other: sessions are
    # signed cookies, so any process accepts them.
    clients = [sign_in_over_http(first if i % 2 else second, token) for i, token in enumerate(tokens)]
    start = threading.Barrier(people)

    def vote(index: int) -> int:
        client = clients[index]
        other = second if index % 2 else first
        page = client.get(f"{other}/papers/{PAPER}").text
        token = CSRF.search(page).group(1)
        start.wait()
        return client.post(f"{other}/votes", data={"csrf": token, "paper": PAPER},
                           headers={"Accept": "application/json"}).status_code
    with ThreadPoolExecutor(people) as pool:
        codes = list(pool.map(vote, range(people)))
    for client in clients:
        client.close()
    assert codes == [200] * people
    with db.read() as connection:
        assert count_votes(connection, PAPER) == people


def test_a_paper_embedded_through_one_node_is_found_through_both(cluster, tmp_path):
    _, node_env, first, second = cluster
    query = {"q": "undersea fibre cables that sense earthquakes", "mode": "semantic",
             "limit": 3}
    worker = node_env("cli")
    run_cli("embed", env=worker, check=True, timeout=600)
    for base in (first, second):  # both build their vector index before the paper exists
        found = search_ids(base, query)
        assert found and NEW_PAPER["id"] not in found
    source = tmp_path / "new.jsonl"
    source.write_text(json.dumps(NEW_PAPER) + "\n")
    run_cli("import", str(source), env=worker, check=True)
    run_cli("embed", env=worker, check=True, timeout=600)
    time.sleep(2.5)  # each process checks the database's vector watermark every 2 s
    for base in (first, second):
        found = search_ids(base, query)
        assert found[0] == NEW_PAPER["id"], (base, found)


def search_ids(base: str, query: dict) -> list[str]:
    answer = httpx.get(f"{base}/api/papers/search", params=query, timeout=120)
    assert answer.status_code == 200, answer.text
    return [hit["paper"]["id"] for hit in answer.json()]
