"""50 people vote for one paper at the same moment, through a real `paperwire serve`
process over HTTP: the paper ends with exactly 50 more votes, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx

from paperwire.community.clock import stamp
from paperwire.store.login_tokens import create_token
from paperwire.store.votes import count_votes, shown_votes

from ..conftest import running_server
from ..web.conftest import load
from .conftest import sign_in_over_http

PAPER = "2502.00003"  # 50 imported upvotes
PEOPLE = 50
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _signed_in(base: str, token: str) -> tuple[httpx.Client, str]:
    client = sign_in_over_http(base, token)
    return client, CSRF.search(client.get(f"/papers/{PAPER}").text).group(1)


def test_fifty_concurrent_votes_count_exactly_fifty(db, db_url, tmp_path) -> None:  # noqa: ANN001
    load(db)
    with db.write() as connection:
        tokens = [create_token(connection, f"voter{i}@example.org", stamp(),
                               "2999-01-01T00:00:00Z") for i in range(PEOPLE)]
        before = shown_votes(connection, PAPER)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWIRE_")}
    env.update(PAPERWIRE_DATA_DIR=str(tmp_path / "data"), HOME=str(tmp_path),
               PAPERWIRE_DATABASE_URL=db_url, PAPERWIRE_JOBS_ENABLED="false",
               PAPERWIRE_DEMO_ON_EMPTY="false")
    with running_server(env) as base:
        with ThreadPoolExecutor(PEOPLE) as pool:
            people = list(pool.map(lambda token: _signed_in(base, token), tokens))
            start = threading.Barrier(PEOPLE)

            def vote(person: tuple[httpx.Client, str]) -> int:
                client, token = person
                start.wait()
                return client.post("/votes", data={"csrf": token, "paper": PAPER},
                                   headers={"Accept": "application/json"}).status_code
            codes = list(pool.map(vote, people))
        assert codes == [200] * PEOPLE
        page = httpx.get(f"{base}/papers/{PAPER}").text
        for client, _ in people:
            client.close()
    with db.read() as connection:
        assert count_votes(connection, PAPER) == PEOPLE
        assert shown_votes(connection, PAPER) == before + PEOPLE
    assert f'class="count">{before + PEOPLE}<' in page
