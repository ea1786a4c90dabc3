"""Search as the web shows it, written against the search contract (paperwire.search):
these hold for any correct search, not for one ranking."""

from __future__ import annotations

import re

import pytest

from .conftest import load


def page_ids(html: str) -> list[str]:
    return re.findall(r'<h3 class="title"><a href="/papers/([^"]+)"', html)


def test_a_distinctive_word_finds_its_paper_and_says_why(client) -> None:
    page = client.get("/search", params={"q": "quokka"})
    assert page.status_code == 200
    assert "2502.00001" in page_ids(page.text)
    assert "Matched:" in page.text
    api = client.get("/api/papers/search", params={"q": "quokka"}).json()
    assert "2502.00001" in [item["paper"]["id"] for item in api]
    hit = next(item for item in api if item["paper"]["id"] == "2502.00001")
    assert hit["reasons"] and all(isinstance(reason, str) and reason for reason in hit["reasons"])


def test_filters_are_honoured(client) -> None:
    assert "2502.00003" in page_ids(client.get("/search", params={"q": "lovelace"}).text)
    for params in ({"category": "cs.LG"}, {"author": "Nobody Atall"},
                   {"since": "2025-03-01"}, {"until": "2025-01-01"}):
        html = client.get("/search", params={"q": "lovelace", **params}).text
        assert "2502.00003" not in page_ids(html), params
    for params in ({"category": "math.ST"}, {"author": "Ada Lovelace"},
                   {"since": "2025-02-24", "until": "2025-02-24"}):
        api = client.get("/api/papers/search", params={"q": "lovelace", **params}).json()
        assert "2502.00003" in [item["paper"]["id"] for item in api], params


def test_results_are_paged_without_repeats(papers_db) -> None:
    from paperwire.records import PaperRecord
    from .conftest import make_client
    load(papers_db, [PaperRecord(title=f"Echidna study number {n}", abstract="Echidna.",
                                 arxiv_id=f"2504.{n:05d}", published="2025-04-01T00:00:00Z")
                     for n in range(1, 8)])
    with make_client(papers_db, web_page_size=3) as client:
        seen = []
        for page in range(3):
            html = client.get("/search", params={"q": "echidna", "p": page}).text
            seen += page_ids(html)
        assert sorted(seen) == [f"2504.{n:05d}" for n in range(1, 8)]
        api = [item["paper"]["id"] for p in range(4) for item in client.get(
            "/api/papers/search", params={"q": "echidna", "limit": 2, "p": p}).json()]
        assert sorted(api) == sorted(seen)


def test_an_empty_search_shows_the_form(client) -> None:
    page = client.get("/search")
    assert page.status_code == 200 and 'name="q"' in page.text
    assert client.get("/search", params={"q": "   "}).status_code == 200
    assert client.get("/api/papers/search", params={"q": ""}).status_code == 422


@pytest.mark.parametrize("params, name", [
    ({"since": "2025-13-01"}, "since"),
    ({"since": "2025-03-01", "until": "2025-02-01"}, "since"),
    ({"category": "not a category!"}, "category"),
    ({"mode": "psychic"}, "mode"),
    ({"q": "x" * 301}, "q"),
    ({"q": "a\x00b"}, "q"),
    ({"limit": 101}, "limit"),
])
def test_bad_search_parameters(client, params: dict, name: str) -> None:
    response = client.get("/api/papers/search", params={"q": "quokka", **params})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == name
    if name != "limit":  # the page has no limit: its page size is a setting
        assert client.get("/search", params={"q": "quokka", **params}).status_code == 422


def test_similar_papers_api_and_section(client) -> None:
    response = client.get("/api/papers/2502.00003/similar", params={"limit": 5})
    assert response.status_code == 200
    similar = response.json()
    assert "2502.00003" not in [item["paper"]["id"] for item in similar]
    assert len(similar) <= 5
    page = client.get("/papers/2502.00003").text
    assert 'id="similar-h">Similar papers</h2>' in page
