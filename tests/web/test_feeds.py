"""RSS 2.0, Atom and JSON Feed for the daily list, trending, categories and searches:
each parses cleanly with feedparser and carries well-formed fields."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import feedparser
import orjson
import pytest

from paperwire import feeds

from .conftest import HOSTILE_TITLE

FEEDS = [
    ("/feeds/daily", {}, "2503.00005"),
    ("/feeds/trending", {}, "2503.00005"),
    ("/feeds/category/cs.CL", {}, "2502.00002"),
    ("/feeds/search", {"q": "lovelace"}, "2502.00003"),
]
EXPECTED_TYPE = {"xml": "rss20", "atom": "atom10"}


def _check_entries(parsed, expected_id: str) -> None:
    links = [entry.link for entry in parsed.entries]
    assert any(link.endswith(f"/papers/{expected_id}") for link in links), links
    for entry in parsed.entries:
        assert entry.title and entry.id and entry.link.startswith("http://")
        assert entry.summary is not None
        assert isinstance(entry.published_parsed, time.struct_time)
        assert entry.get("authors") or entry.get("author") or True  # a paper may have none


@pytest.mark.parametrize("path, query, expected_id", FEEDS)
@pytest.mark.parametrize("fmt", ["xml", "atom"])
def test_xml_feeds_validate(client, path: str, query: dict, expected_id: str, fmt: str) -> None:
    response = client.get(f"{path}.{fmt}", params=query)
    assert response.status_code == 200
    assert response.headers["content-type"] == feeds.MEDIA_TYPES[fmt]
    assert response.headers["etag"] and response.headers["cache-control"]
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == EXPECTED_TYPE[fmt]
    assert parsed.feed.title.startswith("Paperwire")
    assert parsed.feed.link.startswith("http://")
    _check_entries(parsed, expected_id)


@pytest.mark.parametrize("path, query, expected_id", FEEDS)
def test_json_feeds_follow_json_feed_1_1(client, path: str, query: dict,
                                         expected_id: str) -> None:
    response = client.get(f"{path}.json", params=query)
    assert response.headers["content-type"] == feeds.MEDIA_TYPES["json"]
    document = orjson.loads(response.content)
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"] and document["home_page_url"].startswith("http")
    assert document["feed_url"].startswith("http") and ".json" in document["feed_url"]
    assert document["items"], "feed is empty"
    for item in document["items"]:
        assert isinstance(item["id"], str) and item["url"].startswith("http")
        assert isinstance(item["title"], str) and isinstance(item["content_text"], str)
        datetime.fromisoformat(item["date_published"].replace("Z", "+00:00"))
        for author in item.get("authors", []):
            assert set(author) == {"name"}
    assert any(item["url"].endswith(f"/papers/{expected_id}") for item in document["items"])


def test_hostile_titles_stay_text_in_feeds(client) -> None:
    for fmt in ("xml", "atom"):
        parsed = feedparser.parse(client.get(f"/feeds/category/cs.CL.{fmt}").content)
        titles = [entry.title for entry in parsed.entries]
        assert HOSTILE_TITLE in titles, titles
    document = orjson.loads(client.get("/feeds/category/cs.CL.json").content)
    assert HOSTILE_TITLE in [item["title"] for item in document["items"]]


def test_search_feed_links_back_to_the_search(client) -> None:
    document = orjson.loads(client.get("/feeds/search.json", params={
        "q": "lovelace", "category": "math.ST"}).content)
    assert document["home_page_url"].endswith("/search?q=lovelace&category=math.ST")
    assert document["feed_url"].endswith("/feeds/search.json?q=lovelace&category=math.ST")


def test_trending_feed_says_why(client) -> None:
    document = orjson.loads(client.get("/feeds/trending.json").content)
    assert all(item["content_text"].startswith("Why it is here: ") for item in document["items"])


@pytest.mark.parametrize("path", ["/feeds/daily.rss", "/feeds/category/bad!cat.xml",
                                  "/feeds/search.xml", "/feeds/search.xml?q=%00",
                                  "/feeds/search.json?q=x&since=yesterday"])
def test_bad_feed_addresses_are_422(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 422 and response.json()["detail"]


def test_control_characters_cannot_break_the_xml() -> None:
    moment = datetime(2025, 1, 1, tzinfo=timezone.utc)
    feed = feeds.Feed("t\x0b", "d", "http://x/", "http://x/feeds/t", [feeds.FeedItem(
        "http://x/p", "http://x/p", "bad \x00\x1f chars \ufffe", "s\x08", moment)])
    for fmt in ("xml", "atom"):
        parsed = feedparser.parse(feeds.render(feed, fmt))
        assert not parsed.bozo and parsed.entries[0].title == "bad  chars"
    with pytest.raises(ValueError):
        feeds.render(feed, "rss")
