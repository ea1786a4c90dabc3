"""Security, route by route, over every route the app has (new routes are picked up
automatically, and a path parameter this test cannot fill fails it):
- no GET changes anything in the database (anonymous, member and admin);
- every POST without the CSRF token is refused with 403;
- every /admin route answers 403 to members and anonymous visitors, even with a token."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import inspect, text
from starlette.testclient import TestClient

from paperwire.community.clock import stamp
from paperwire.store.claims import add_claim
from paperwire.store.collections import add_item, create_collection
from paperwire.store.comments import add_comment
from paperwire.store.login_tokens import create_token
from paperwire.store.submissions import add_submission
from paperwire.store.users import ensure_user

from .conftest import RECENT_ID, csrf, make_client, sign_in

PAPER = "2502.00001"
# POSTs that mail clients make (RFC 8058 one-click unsubscribe): a signed token in the
# address authorises them, not the session, so they carry no CSRF token; without a valid
# signed token they must still refuse and change nothing.
SIGNED_LINK_POSTS = {"/unsubscribe/one-click"}


def routes(app) -> list[tuple[str, str]]:  # noqa: ANN001
    found = []

    def walk(items) -> None:  # noqa: ANN001
        for route in items:
            if hasattr(route, "methods") and hasattr(route, "path"):
                for method in sorted(route.methods - {"HEAD"}):
                    found.append((method, route.path))
            nested = (getattr(route, "routes", None)
                      or getattr(getattr(route, "original_router", None), "routes", None))
            if nested:
                walk(nested)
    walk(app.router.routes)
    return found


@pytest.fixture
def world(community_db, data_dir):  # noqa: ANN001, ANN201
    """Something of every kind, so that each route has a real thing to act on."""
    now = stamp()
    with community_db.write() as connection:
        admin = ensure_user(connection, "root@example.org", now, admin=True)
        member = ensure_user(connection, "member@example.org", now)
        comment = add_comment(connection, PAPER, member.id, "Hello $x$", now)
        collection = create_collection(connection, member.id, "Public", True, now)
        add_item(connection, collection.id, PAPER, now)
        submission = add_submission(connection, RECENT_ID, member.id, now[:10], "pending", now)
        claim = add_claim(connection, member.id, PAPER, "pending", now)
        token = create_token(connection, "member@example.org", now, "2999-01-01T00:00:00Z")
    values = {
        "paper_id": PAPER, "day": "2025-02-25", "week": "2025-W09", "month": "2025-02",
        "name": "cs.LG", "category": "cs.LG", "fmt": "xml", "user_id": str(member.id),
        "collection_id": str(collection.id), "comment_id": str(comment),
        "submission_id": str(submission), "claim_id": str(claim.id),
        "token": "no-such-feed-token",
    }
    query = {"/signin/link": {"token": token}, "/search": {"q": "quokka"},
             "/api/papers/search": {"q": "quokka"}, "/feeds/search.{fmt}": {"q": "quokka"}}
    return {"admin": admin, "member": member, "values": values, "query": query}


def fill(path: str, values: dict[str, str]) -> str:
    def one(match: re.Match) -> str:
        name = match.group(1).split(":")[0]
        assert name in values, f"no test value for path parameter {name!r} in {path}"
        return values[name]
    return re.sub(r"\{([^}]+)\}", one, path)


def snapshot(db) -> dict[str, list]:  # noqa: ANN001
    with db.read() as connection:
        tables = inspect(connection).get_table_names()
        return {table: sorted(map(repr, connection.execute(text(f'SELECT * FROM "{table}"'))))
                for table in tables}


def _client(db, data_dir, who: str | None) -> TestClient:  # noqa: ANN001
    client = make_client(db, data_dir, rate_limit_signin="1000/600")
    client.__enter__()
    if who:
        sign_in(client, data_dir, who)
    return client


@pytest.mark.parametrize("who", [None, "member@example.org", "root@example.org"])
def test_no_get_changes_anything(community_db, data_dir, world, who) -> None:  # noqa: ANN001
    client = _client(community_db, data_dir, who)
    try:
        before = snapshot(community_db)
        visited = 0
        for method, path in routes(client.app):
            if method != "GET":
                continue
            answer = client.get(fill(path, world["values"]), params=world["query"].get(path, {}))
            assert answer.status_code < 500, (path, answer.status_code)
            visited += 1
        assert snapshot(community_db) == before
        assert visited >= 25
    finally:
        client.__exit__(None, None, None)


def test_every_post_without_the_token_is_refused(community_db, data_dir, world) -> None:  # noqa: ANN001
    client = _client(community_db, data_dir, "root@example.org")
    try:
        before = snapshot(community_db)
        posts = [path for method, path in routes(client.app) if method == "POST"]
        assert len(posts) >= 15
        form = {"paper": PAPER, "body": "x", "email": "a@example.org", "arxiv_id": RECENT_ID,
                "decision": "approve", "name": "n", "day": "2025-02-25", "token": "t"}
        for path in posts:
            url = fill(path, world["values"])
            if path in SIGNED_LINK_POSTS:
                assert client.post(url, data=form).status_code in (400, 403, 404), path
                continue
            assert client.post(url, data=form).status_code == 403, path
            assert client.post(url, data={**form, "csrf": "forged"}).status_code == 403, path
            assert client.post(url, json=form).status_code == 403, path
        assert snapshot(community_db) == before
    finally:
        client.__exit__(None, None, None)


@pytest.mark.parametrize("who", [None, "member@example.org"])
def test_admin_routes_refuse_everyone_but_admins(community_db, data_dir, world, who) -> None:  # noqa: ANN001
    client = _client(community_db, data_dir, who)
    try:
        token = csrf(client)
        admin_routes = [(m, p) for m, p in routes(client.app) if p.startswith("/admin")]
        assert len(admin_routes) >= 5
        before = snapshot(community_db)
        form = {"csrf": token, "paper": PAPER, "decision": "approve", "day": "2025-02-25",
                "hidden": "true"}
        for method, path in admin_routes:
            url = fill(path, world["values"])
            answer = client.get(url) if method == "GET" else client.post(url, data=form)
            assert answer.status_code == 403, (method, path, answer.status_code)
        assert snapshot(community_db) == before
    finally:
        client.__exit__(None, None, None)
    admin = _client(community_db, data_dir, "root@example.org")
    try:
        assert admin.get("/admin").status_code == 200
    finally:
        admin.__exit__(None, None, None)
