"""Authorship claims (automatic for a known author address, else the admin's queue;
claimed papers on the profile) and collections (private, public, page and feed)."""

from __future__ import annotations

import re

import feedparser

from paperwire.store.claims import add_author_email
from paperwire.store.users import ensure_user

from .conftest import csrf, make_client, sign_in

PAPER, OTHER = "2502.00003", "2502.00004"


def _claim(client, paper: str) -> None:  # noqa: ANN001
    assert client.post("/claims", data={"csrf": csrf(client, f"/papers/{paper}"), "paper": paper},
                       follow_redirects=False).status_code == 303


def _user_id(client) -> str:  # noqa: ANN001
    return re.search(r'href="/users/(\d+)"', client.get("/account").text).group(1)


def test_claims(community_db, data_dir) -> None:  # noqa: ANN001
    with community_db.write() as connection:
        add_author_email(connection, PAPER, "ada@example.org")
        ensure_user(connection, "root@example.org", "2025-01-01T00:00:00Z", admin=True)
    with make_client(community_db, data_dir) as ada, make_client(community_db, data_dir) as admin:
        sign_in(ada, data_dir, "ada@example.org")
        sign_in(admin, data_dir, "root@example.org")
        _claim(ada, PAPER)  # her address is known: approved at once
        _claim(ada, OTHER)  # not known: waits
        profile = ada.get(f"/users/{_user_id(ada)}").text
        assert "Lovelace engines" in profile and "Wombat benchmarks" not in profile
        assert "Your authorship claim: pending" in ada.get(f"/papers/{OTHER}").text
        queue = admin.get("/admin").text
        claim = re.search(r'id="claim-(\d+)"', queue).group(1)
        assert ada.post(f"/admin/claims/{claim}", data={"csrf": csrf(ada, "/account"),
                                                       "decision": "approve"}).status_code == 403
        admin.post(f"/admin/claims/{claim}", data={"csrf": csrf(admin, "/admin"),
                                                   "decision": "approve"})
        profile = ada.get(f"/users/{_user_id(ada)}").text
        assert "Wombat benchmarks" in profile
        log = admin.get("/admin").text
        assert "auto-approve claim" in log and "approve claim" in log


def test_collections_private_public_page_and_feed(community_db, data_dir) -> None:  # noqa: ANN001
    with make_client(community_db, data_dir) as owner, \
            make_client(community_db, data_dir) as stranger:
        sign_in(owner, data_dir, "reader@example.org")
        made = owner.post("/collections", data={
            "csrf": csrf(owner, f"/papers/{PAPER}"), "name": "  To <b>read</b>  ",
            "paper": PAPER}, follow_redirects=False)
        path = made.headers["location"]
        number = path.rsplit("/", 1)[1]
        owner.post(f"/collections/{number}/items", data={"csrf": csrf(owner, path),
                                                         "paper": OTHER})
        page = owner.get(path).text
        assert "To &lt;b&gt;read&lt;/b&gt;" in page and "Lovelace" in page and "Wombat" in page
        assert stranger.get(path).status_code == 404  # private
        assert stranger.get(f"/feeds/collection/{number}.xml").status_code == 404
        sign_in(stranger, data_dir, "stranger@example.org")
        assert stranger.post(f"/collections/{number}/items", data={
            "csrf": csrf(stranger, "/account"), "paper": PAPER}).status_code == 403
        owner.post(f"/collections/{number}/visibility", data={"csrf": csrf(owner, path),
                                                              "public": "true"})
        assert stranger.get(path).status_code == 200
        feed = feedparser.parse(stranger.get(f"/feeds/collection/{number}.atom").content)
        assert {e.title for e in feed.entries} >= {"Lovelace engines for statistical language "
                                                   "models", "Wombat benchmarks for retrieval"}
        assert stranger.get(f"/feeds/collection/{number}.json").json()["items"]
        owner.post(f"/collections/{number}/items", data={"csrf": csrf(owner, path),
                                                         "paper": OTHER, "remove": "true"})
        assert "Wombat" not in owner.get(path).text
        assert "To &lt;b&gt;read&lt;/b&gt;" in stranger.get(f"/users/{_user_id(owner)}").text
        for bad in ["0", "-1", "99999999999999999999", "abc"]:
            assert stranger.get(f"/collections/{bad}").status_code in (404, 422)
