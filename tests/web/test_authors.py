"""Author pages (/authors/{name}) and their JSON (/api/authors/{name}) over a real database:
exactly the author's papers, newest first, paged; co-authors linked; names matched
ignoring case and accents; 404 and 422 pages; hostile names escaped; links from papers."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from paperwire.records import PaperRecord, Version

from ..htmltags import start_tags
from .conftest import load, make_client

# Ann Author's papers in the shared set, newest publication first.
ANN = ["2503.00005", "2502.00004", "2502.00001", "hep-th/9901001"]


def titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="title"><a href="/papers/([^"]+)"', html)


def author_links(html: str) -> list[str]:
    return re.findall(r'<a class="author" href="(/authors/[^"]+)"', html)


def test_the_page_lists_exactly_the_authors_papers_newest_first(client) -> None:
    page = client.get("/authors/Ann%20Author")
    assert page.status_code == 200
    assert titles(page.text) == ANN
    assert "<h1>Ann Author</h1>" in page.text
    assert "4 papers, published 4 Jan 1999 to 1 Mar 2025" in page.text
    assert '<span class="count">3</span>' in page.text  # upvotes, as on every list
    assert "published 1 Mar 2025" in page.text


def test_co_authors_link_to_their_own_pages(client) -> None:
    page = client.get("/authors/Ada%20Lovelace")
    assert titles(page.text) == ["2502.00003"]
    assert author_links(page.text) == ["/authors/Charles%20Babbage"]
    assert "<strong>Ada Lovelace</strong>" in page.text  # this page's author, not a link
    assert "1 paper, published 24 Feb 2025" in page.text
    babbage = client.get("/authors/Charles%20Babbage")
    assert titles(babbage.text) == ["2502.00003"]
    assert author_links(babbage.text) == ["/authors/Ada%20Lovelace"]


def test_pages_are_bounded_and_linked(papers_db) -> None:
    with make_client(papers_db, web_page_size=3) as client:
        first = client.get("/authors/Ann%20Author")
        second = client.get("/authors/Ann%20Author?p=1")
        past = client.get("/authors/Ann%20Author?p=2")
        huge = client.get("/authors/Ann%20Author?p=99999999")
    assert titles(first.text) == ANN[:3] and titles(second.text) == ANN[3:]
    assert 'href="/authors/Ann%20Author?p=1" rel="next"' in first.text
    assert 'href="/authors/Ann%20Author" rel="prev"' in second.text
    assert "4 papers" in second.text  # the heading counts them all on every page
    assert past.status_code == 404 and "page 3 is past the last one" in past.text
    assert huge.status_code == 422


@pytest.mark.parametrize("written", ["ann author", "ANN   AUTHOR", "Ánn Äuthor", "Ann Author "])
def test_names_match_ignoring_case_accents_and_spacing(client, written: str) -> None:
    page = client.get("/authors/" + quote(written))
    assert page.status_code == 200 and titles(page.text) == ANN
    assert "<h1>Ann Author</h1>" in page.text  # as written on the papers


def test_accented_names_and_names_with_slashes_round_trip(papers_db) -> None:
    load(papers_db, [PaperRecord(
        title="Über Zahlen", abstract="", arxiv_id="2504.00001", categories=["math.NT"],
        authors=["Zoë Müller", "Łukasz O'Brien-Smith", "Team A/B"],
        published="2025-04-01T00:00:00Z", versions=[Version(1, "2025-04-01T00:00:00Z")])])
    with make_client(papers_db) as client:
        paper = client.get("/papers/2504.00001").text
        links = author_links(paper)
        assert links == ["/authors/Zo%C3%AB%20M%C3%BCller",
                         "/authors/%C5%81ukasz%20O%27Brien-Smith", "/authors/Team%20A%2FB"]
        for link in links:
            assert titles(client.get(link).text) == ["2504.00001"], link
        assert titles(client.get("/authors/zoe%20muller").text) == ["2504.00001"]
        assert titles(client.get("/authors/LUKASZ%20O'BRIEN-SMITH").text) == ["2504.00001"]


def test_an_unknown_author_is_a_clear_404(client) -> None:
    page = client.get("/authors/Nobody%20Atall")
    assert page.status_code == 404 and "<html" in page.text
    assert "We have no papers by “Nobody Atall”" in page.text
    answer = client.get("/api/authors/Nobody%20Atall")
    assert answer.status_code == 404 and "Nobody Atall" in answer.json()["detail"]


@pytest.mark.parametrize("raw", [
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>",
    "O'Brien'; DROP TABLE papers;--", "%25%27%22", "x\\' OR 1=1 --", "名前 テスト", "🙂" * 40, "{{ 7*7 }}",
])
def test_hostile_names_are_escaped_never_a_500(client, raw: str) -> None:
    page = client.get("/authors/" + quote(raw, safe=""))
    assert page.status_code == 404, page.text
    main = page.text.split('<main', 1)[1]
    assert "<script>" not in main and not [t for t, a in start_tags(main)
                                           if any(k.startswith("on") for k in a)]
    assert ">49<" not in main
    assert client.get("/api/authors/" + quote(raw, safe="")).status_code == 404
    assert client.get("/papers/2502.00001").status_code == 200  # nothing was dropped


@pytest.mark.parametrize("path", ["/authors/a%00b", "/authors/a%07b", "/authors/%20",
                                  "/authors/" + "x" * 301, "/api/authors/a%00b",
                                  "/api/authors/" + "x" * 301])
def test_control_characters_empty_and_overlong_names_are_a_422(client, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 422, page.text
    assert "name" in page.text


def test_a_line_break_matches_no_route(client) -> None:
    assert client.get("/authors/a%0Ab").status_code == 404  # the router's own "no page"


def test_a_hostile_author_on_a_paper_gets_an_escaped_page(client) -> None:
    paper = client.get("/papers/2502.00002").text
    assert "/authors/%3Cb%3EMallory%3C%2Fb%3E" in author_links(paper)
    page = client.get("/authors/%3Cb%3EMallory%3C%2Fb%3E")
    assert page.status_code == 200 and titles(page.text) == ["2502.00002"]
    assert "<h1>&lt;b&gt;Mallory&lt;/b&gt;</h1>" in page.text
    assert "/authors/Eve%20%7B%7B%20x%20%7D%7D" in author_links(page.text)
    assert [t for t, _ in start_tags(page.text)].count("script") == 1  # our own app.js


def test_the_json_lists_the_same_papers_with_paging_headers(client) -> None:
    answer = client.get("/api/authors/ann%20author?limit=3")
    assert answer.status_code == 200 and answer.headers["x-total-count"] == "4"
    body = answer.json()
    assert (body["name"], body["key"], body["paperCount"]) == ("Ann Author", "ann author", 4)
    assert (body["firstPublishedAt"], body["lastPublishedAt"]) == ("1999-01-04", "2025-03-01")
    assert body["url"].endswith("/authors/Ann%20Author")
    assert [p["id"] for p in body["papers"]] == ANN[:3]
    assert body["papers"][0]["upvotes"] == 3 and body["papers"][0]["authors"] == [
        {"name": "Ann Author"}]
    assert answer.headers["link"].endswith('/api/authors/Ann%20Author?p=1&limit=3>; rel="next"')
    rest = client.get("/api/authors/Ann%20Author?p=1&limit=3").json()
    assert [p["id"] for p in rest["papers"]] == ANN[3:]
    assert client.get("/api/authors/Ann%20Author?p=5").json()["papers"] == []
    assert client.get("/api/authors/Ann%20Author?limit=101").status_code == 422
    assert "/api/authors/{name}" in client.get("/openapi.json").json()["paths"]


def test_paper_pages_and_lists_link_their_authors(client) -> None:
    paper = client.get("/papers/2502.00003").text
    assert author_links(paper) == ["/authors/Ada%20Lovelace", "/authors/Charles%20Babbage"]
    day = client.get("/papers/date/2025-02-25").text
    assert "/authors/Ada%20Lovelace" in author_links(day)
    assert "/authors/Ann%20Author" in author_links(client.get("/categories/cs.LG").text)


def test_a_newly_imported_paper_appears_on_its_authors_pages(papers_db) -> None:
    with make_client(papers_db) as client:
        assert client.get("/authors/Grace%20Hopper").status_code == 404
        load(papers_db, [PaperRecord(
            title="Compilers for everyone", abstract="", arxiv_id="2505.00001",
            authors=["Grace Hopper", "Ann Author"], categories=["cs.PL"],
            published="2025-05-01T00:00:00Z", versions=[Version(1, "2025-05-01T00:00:00Z")])])
        assert titles(client.get("/authors/grace%20hopper").text) == ["2505.00001"]
        assert titles(client.get("/authors/Ann%20Author").text) == ["2505.00001", *ANN]
        assert client.get("/api/authors/Grace%20Hopper").json()["paperCount"] == 1
