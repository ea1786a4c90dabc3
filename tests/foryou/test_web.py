"""The For you pages through the real app: feed, corrections, follows, map seeding, the
JSON API and the private feed; every POST needs CSRF and a signed-in person."""

from __future__ import annotations

import re

import feedparser
from starlette.testclient import TestClient

from ..community.conftest import csrf, sign_in
from .conftest import paper_id


def test_signed_out_visitors_are_invited_to_sign_in(app_client) -> None:
    page = app_client.get("/for-you")
    assert page.status_code == 200 and 'href="/signin?next=/for-you"' in page.text
    assert app_client.get("/api/users/me/recommendations").status_code == 403
    assert app_client.get("/for-you/profile").status_code == 403
    assert app_client.post("/follows", data={"csrf": csrf(app_client),
                                             "kind": "category", "value": "cs.CV"}
                           ).status_code == 403


def test_feed_interest_not_interested_and_profile(app_client, data_dir) -> None:
    sign_in(app_client, data_dir, "reader@example.org")
    page = app_client.get("/for-you")
    assert 'id="cold-start"' in page.text
    token = csrf(app_client, "/for-you")
    done = app_client.post("/for-you/interests", data={"csrf": token, "interest": "speech recognition",
                                                       "next": "/for-you"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/for-you"
    page = app_client.get("/for-you").text
    assert "matches your interest &#39;speech recognition&#39;" in page
    first = re.search(r'id="paper-([^"]+)"', page).group(1)
    app_client.post("/for-you/not-interested", data={"csrf": token, "paper": first})
    assert f'id="paper-{first}"' not in app_client.get("/for-you").text
    profile = app_client.get("/for-you/profile").text
    assert "speech recognition" in profile and "not interested" in profile
    app_client.post("/for-you/interests", data={"csrf": token, "interest": "speech recognition",
                                                "action": "remove"})
    assert "No interests yet." in app_client.get("/for-you/profile").text
    # without the token nothing changes
    assert app_client.post("/for-you/interests", data={"interest": "x"}).status_code == 403


def test_follow_from_a_category_page_and_unfollow(app_client, data_dir) -> None:
    sign_in(app_client, data_dir, "reader@example.org")
    page = app_client.get("/categories/cs.CV").text
    assert 'action="/follows"' in page
    token = csrf(app_client, "/for-you")
    app_client.post("/follows", data={"csrf": token, "kind": "category", "value": "cs.CV",
                                      "next": "/categories/cs.CV"})
    feed = app_client.get("/api/users/me/recommendations?limit=8").json()
    assert all("new in cs.CV, which you follow" in item["reasons"] for item in feed["items"])
    app_client.post("/follows", data={"csrf": token, "kind": "category", "value": "cs.CV",
                                      "action": "unfollow"})
    assert "You follow no authors" in app_client.get("/for-you/profile").text
    paper_page = app_client.get(f"/papers/{paper_id('vision', 0)}").text
    assert 'aria-label="Follow author Vera Vision"' in paper_page


def test_map_click_seeds_the_feed_without_javascript(app_client, data_dir) -> None:
    page = app_client.get("/map")
    assert page.status_code == 200 and "<svg" in page.text
    assert page.text.count('class="map-point"') == 24
    cluster = re.search(r'href="/map\?cluster=(\d+)#chosen"', page.text).group(1)
    sign_in(app_client, data_dir, "reader@example.org")
    chosen = app_client.get(f"/map?cluster={cluster}").text
    seeds = re.findall(r'name="paper" value="([^"]+)"', chosen.split('id="seed-cluster"')[1])
    assert 1 <= len(seeds) <= 5
    token = csrf(app_client, "/map")
    done = app_client.post("/map/seed", data={"csrf": token, "paper": seeds},
                           follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/for-you"
    feed = app_client.get("/api/users/me/recommendations").json()
    assert feed["personal"] and "in your library" in " ".join(feed["items"][0]["reasons"])
    assert not set(seeds) & {item["id"] for item in feed["items"]}


def test_private_feed_by_secret_token(app_client, data_dir) -> None:
    sign_in(app_client, data_dir, "reader@example.org")
    token = csrf(app_client, "/for-you")
    app_client.post("/for-you/interests", data={"csrf": token, "interest": "proteins"})
    page = app_client.post("/for-you/feed-token", data={"csrf": token}).text
    url = re.search(r'href="http://[^/]+(/feeds/for-you/[\w-]+)\.xml"', page).group(1)
    stranger = TestClient(app_client.app)  # no session: the token is the authority
    for fmt in ("xml", "atom", "json"):
        answer = stranger.get(f"{url}.{fmt}")
        assert answer.status_code == 200 and "no-store" in answer.headers["cache-control"]
    parsed = feedparser.parse(app_client.get(f"{url}.atom").text)
    assert len(parsed.entries) == 24 and "proteins" in parsed.entries[0].summary
    assert app_client.get("/feeds/for-you/not-a-token.xml").status_code == 404
    # a new token retires the old one
    app_client.post("/for-you/feed-token", data={"csrf": token})
    assert app_client.get(f"{url}.xml").status_code == 404


def test_done_with_these_marks_the_rest_skipped(app_client, data_dir) -> None:
    sign_in(app_client, data_dir, "reader@example.org")
    token = csrf(app_client, "/for-you")
    shown = re.findall(r'name="shown" value="([^"]+)"', app_client.get("/for-you").text)
    assert len(shown) == 20
    app_client.post("/for-you/save", data={"csrf": token, "paper": shown[0]})
    app_client.post("/for-you/seen", data={"csrf": token, "shown": shown + ["no-such-paper"]})
    profile = app_client.get("/for-you/profile").text
    assert profile.count("shown, skipped") == 19 and "saved" in profile
    remaining = app_client.get("/api/users/me/recommendations").json()["items"]
    assert {i["id"] for i in remaining} <= set(paper_id(t, k) for t in ("vision", "proteins", "speech") for k in range(8)) - set(shown)


def test_a_get_never_writes_the_model_a_post_that_changes_signals_does(app_client, data_dir,
                                                                      foryou_db) -> None:
    from sqlalchemy import text
    sign_in(app_client, data_dir, "reader@example.org")
    token = csrf(app_client, "/for-you")

    def stored_models() -> list:
        with foryou_db.read() as connection:
            return connection.execute(text("SELECT signals_version FROM user_models")).all()

    # a vote from the paper page is a positive the feed learns from at once, in memory
    app_client.post("/votes", data={"csrf": token, "paper": paper_id("speech", 0)})
    feed = app_client.get("/api/users/me/recommendations").json()
    assert "in your library" in " ".join(feed["items"][0]["reasons"])
    assert stored_models() == []
    app_client.post("/for-you/save", data={"csrf": token, "paper": paper_id("speech", 1)})
    first = stored_models()
    assert len(first) == 1
    app_client.get("/for-you")
    assert stored_models() == first


def test_a_digest_link_offers_the_open_signal_without_javascript(app_client, data_dir) -> None:
    """app.js reports a paper opened from a digest; with JavaScript off the page offers the
    same signal as a button (a POST with CSRF), and a GET alone records nothing."""
    paper = paper_id("vision", 0)
    assert "digest-opened" not in app_client.get(f"/papers/{paper}?from=digest").text
    sign_in(app_client, data_dir, "reader@example.org")
    assert "digest-opened" not in app_client.get(f"/papers/{paper}").text
    page = app_client.get(f"/papers/{paper}?from=digest").text
    form = re.search(r'<noscript><form class="digest-opened".*?</form></noscript>', page, re.S)
    assert form and 'action="/for-you/opened"' in form.group(0)
    assert "opened from a digest" not in app_client.get("/for-you/profile").text
    token = re.search(r'name="csrf" value="([^"]+)"', form.group(0)).group(1)
    done = app_client.post("/for-you/opened", data={"csrf": token, "paper": paper,
                                                    "next": f"/papers/{paper}"},
                           follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/papers/{paper}"
    assert "opened from a digest" in app_client.get("/for-you/profile").text
    elsewhere = app_client.post("/for-you/opened", data={"csrf": token, "paper": paper,
                                                         "next": "https://evil.example/"},
                                follow_redirects=False)
    assert elsewhere.headers["location"] == "/for-you"  # only paths of this site
    assert app_client.post("/for-you/opened", data={"paper": paper}).status_code == 403
