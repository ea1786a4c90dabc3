"""The reading pages over a real database: daily (day, week, month), trending, a paper's
page, categories; navigation, sorting, escaping, errors and caching headers."""

from __future__ import annotations

import re
import pytest

from paperwire.web.security import CONTENT_SECURITY_POLICY

from ..htmltags import start_tags
from .conftest import DOI_KEY


def titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="title"><a href="/papers/([^"]+)"', html)


def test_a_day_lists_its_papers_by_trending_score_with_neighbouring_days(client) -> None:
    page = client.get("/papers/date/2025-02-25")
    assert page.status_code == 200
    assert titles(page.text) == ["2502.00003", "2502.00002", "hep-th/9901001"]
    assert "Why it is here:" in page.text and "50 votes" in page.text
    # 2025-02-26 had no listings: previous and next skip to the listed days around it.
    assert 'href="/papers/date/2025-02-24" rel="prev"' in page.text
    assert 'href="/papers/date/2025-02-27" rel="next"' in page.text


def test_sorting_by_date_puts_the_newest_publication_first(client) -> None:
    page = client.get("/papers/week/2025-W09?sort=publishedAt")
    assert titles(page.text) == ["2502.00004", "2502.00003", "2502.00001", "2502.00002",
                                 "hep-th/9901001"]
    assert "Why it is here:" not in page.text
    trending = client.get("/papers/week/2025-W09")
    assert titles(trending.text)[0] == "2502.00003"


def test_week_and_month_views_cover_their_days(client) -> None:
    week = client.get("/papers/week/2025-W09")  # 24 Feb - 2 Mar 2025
    assert sorted(titles(week.text)) == ["2502.00001", "2502.00002", "2502.00003", "2502.00004",
                                         "hep-th/9901001"]
    assert 'href="/papers/week/2025-W10"' in week.text  # next week has a paper
    month = client.get("/papers/month/2025-03")
    assert titles(month.text) == ["2503.00005"]
    assert 'href="/papers/month/2025-02"' in month.text


def test_today_shows_the_latest_listed_day_and_the_date_picker_goes_to_a_day(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert titles(page.text) == ["2503.00005"]  # the latest listed day, 2025-03-03
    assert "showing the latest day" in page.text
    form = start_tags(page.text)
    assert ("input", {"id": "date", "type": "date", "name": "date", "value": "2025-03-03",
                      "min": "2025-02-24", "max": "2025-03-03", "required": None}) in form
    moved = client.get("/papers", params={"date": "2025-02-24"}, follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == "/papers/date/2025-02-24"


def test_a_day_without_papers_says_so_and_links_to_the_neighbours(client) -> None:
    page = client.get("/papers/date/2025-02-26")
    assert page.status_code == 200
    assert "No papers were listed on Wednesday, 26 February 2025." in page.text
    assert 'href="/papers/date/2025-02-25" rel="prev"' in page.text


def test_cards_show_votes_links_categories_and_stars(client) -> None:
    page = client.get("/papers/date/2025-02-24").text
    assert "Quokka policies for reinforcement learning" in page
    assert 'href="https://arxiv.org/abs/2502.00001"' in page
    assert 'href="https://arxiv.org/pdf/2502.00001"' in page
    assert 'href="https://github.com/example/quokka"' in page and "★ 1.5k" in page
    assert '<a class="chip" href="/categories/cs.LG">cs.LG</a>' in page
    assert '<span class="count">10</span>' in page


def test_pages_are_split_when_a_list_is_longer_than_a_page(papers_db) -> None:
    from .conftest import make_client
    with make_client(papers_db, web_page_size=2) as client:
        first = client.get("/papers/week/2025-W09")
        second = client.get("/papers/week/2025-W09?p=1")
        third = client.get("/papers/week/2025-W09?p=2")
    seen = titles(first.text) + titles(second.text) + titles(third.text)
    assert len(seen) == 5 and len(set(seen)) == 5
    assert 'href="/papers/week/2025-W09?p=1" rel="next"' in first.text
    assert 'rel="next"' not in third.text.split("<main")[1].split("Page 3")[1]


def test_trending_page_explains_each_paper(client) -> None:
    page = client.get("/trending?window=month")
    assert page.status_code == 200
    assert "Papers listed 2 Feb 2025 – 3 Mar 2025" in page.text
    assert page.text.count("Why it is here:") == len(titles(page.text)) == 6
    day = client.get("/trending?window=day")
    assert titles(day.text) == ["2503.00005"]


def test_paper_page_has_the_full_record(client) -> None:
    page = client.get("/papers/2502.00001")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Quokka policies for reinforcement learning</h1>" in html
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in html
    assert "Quokkas learn fast." in html and '<span class="chip">quokka</span>' in html
    assert "v1: 20 Feb 2025" in html
    assert 'href="/papers/date/2025-02-24"' in html
    assert page.headers["last-modified"].endswith("GMT")


@pytest.mark.parametrize("path", ["/papers/hep-th/9901001", "/papers/" + DOI_KEY])
def test_old_style_and_doi_papers_have_pages(client, path: str) -> None:
    assert client.get(path).status_code == 200


def test_a_versioned_or_prefixed_id_redirects_to_the_paper(client) -> None:
    for form in ("2502.00001v1", "arXiv:2502.00001"):
        moved = client.get(f"/papers/{form}", follow_redirects=False)
        assert moved.status_code == 301 and moved.headers["location"] == "/papers/2502.00001"


def test_unknown_paper_is_a_friendly_404_and_a_malformed_id_a_422(client) -> None:
    missing = client.get("/papers/2502.99999")
    assert missing.status_code == 404
    assert "We have no paper &#39;2502.99999&#39;" in missing.text and "<html" in missing.text
    bad = client.get("/papers/not-an-id")
    assert bad.status_code == 422 and "is not a paper id" in bad.text


@pytest.mark.parametrize("path, message", [
    ("/papers/date/2025-02-30", "is not a calendar date"),
    ("/papers/date/yesterday", "is not a date: use YYYY-MM-DD"),
    ("/papers/date/3025-01-01", "out of range"),
    ("/papers/week/2025-W54", "2025 has no week 54"),
    ("/papers/month/2025-13", "month must be 01"),
    ("/papers/date/2025-02-25?sort=votes", "Input should be"),
    ("/papers/date/2025-02-25?p=-1", "greater than or equal to 0"),
    ("/papers/date/2025-02-25?p=99999999999999999999", "less than or equal to 10000"),
    ("/trending?window=year", "Input should be"),
    ("/papers?date=2025-13-01", "is not a calendar date"),
    ("/categories/<script>", "is not a category"),
])
def test_bad_parameters_get_a_clear_422_page(client, path: str, message: str) -> None:
    page = client.get(path)
    assert page.status_code == 422, page.text
    assert message in page.text
    assert "<script>" not in page.text.split("<main")[1]


def test_everything_from_papers_is_escaped(client) -> None:
    for path in ("/papers/date/2025-02-25", "/papers/2502.00002", "/papers/week/2025-W09",
                 "/trending?window=month", "/categories/cs.CL"):
        html = client.get(path).text
        tags = start_tags(html)
        assert [t for t, _ in tags].count("script") == 1, path  # only our own app.js
        assert not [t for t, a in tags if t == "img" and "onerror" in a], path
        assert not [t for t, a in tags if any(k.startswith("on") for k in a)], path
        assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in html, path
        assert "{{ 7*7 }}" in html and ">49<" not in html, path
    paper = client.get("/papers/2502.00002").text
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in paper
    # The formula that smuggles markup through \text{...} is shown as its escaped source.
    assert "$\\text{&lt;b onclick=alert(3)&gt;b&lt;/b&gt;}$" in paper
    assert '<msup><mi>x</mi><mn>2</mn></msup>' in paper  # the harmless formula renders


def test_every_page_sends_a_csp_without_inline_script_and_cache_headers(client) -> None:
    for path in ("/", "/papers/2502.00001", "/trending", "/search?q=quokka", "/nope"):
        response = client.get(path)
        csp = response.headers["content-security-policy"]
        assert csp == CONTENT_SECURITY_POLICY
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
    page = client.get("/papers/date/2025-02-25")
    assert page.headers["cache-control"].startswith("public, max-age=")
    assert client.get("/papers/date/2025-02-25",
                      headers={"If-None-Match": page.headers["etag"]}).status_code == 304
    assert client.get("/nope").headers["cache-control"] == "no-store"
    html = page.text
    assert "<script>" not in html and 'style="' not in html  # nothing inline for the CSP to block


def test_static_assets_are_local_and_cached(client) -> None:
    tags = start_tags(client.get("/").text)
    assets = [a.get("src") or a.get("href") for t, a in tags
              if t in ("script", "img") or (t == "link" and a.get("rel") in ("stylesheet", "icon"))]
    assert assets and all(ref.startswith("/static/") for ref in assets), assets  # no CDN
    css = [r for r in assets if r.startswith("/static/style.css?v=")]
    response = client.get(css[0])
    assert response.status_code == 200 and "prefers-color-scheme: dark" in response.text
    assert "immutable" in response.headers["cache-control"]


def test_a_category_page_lists_its_newest_papers(client) -> None:
    page = client.get("/categories/cs.CL")
    assert titles(page.text) == ["2502.00003", "2502.00002"]
    assert 'href="/feeds/category/cs.CL.xml"' in page.text


def test_head_requests_get_the_headers_of_the_get(client) -> None:
    for path in ("/", "/feeds/daily.xml", "/api/papers/2502.00001"):
        get, head = client.get(path), client.head(path)
        assert head.status_code == 200 and head.content == b""
        assert head.headers["etag"] == get.headers["etag"]
        assert head.headers["content-type"] == get.headers["content-type"]
    assert client.head("/papers/2502.99999").status_code == 404
    assert client.post("/api/daily_papers").status_code == 405
