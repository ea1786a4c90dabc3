"""The JSON API: Hugging Face's shape and parameters, errors, paging and caching."""

from __future__ import annotations

import pytest

from paperwire.web import schemas

from .conftest import DOI_KEY, HOSTILE_TITLE

HF_PAPER_FIELDS = {"id", "title", "summary", "authors", "upvotes", "publishedAt",
                   "submittedOnDailyAt", "githubRepo", "githubStars", "ai_summary", "ai_keywords"}


def ids(items: list[dict]) -> list[str]:
    return [item["paper"]["id"] for item in items]


def test_daily_papers_have_hugging_faces_field_names(client) -> None:
    response = client.get("/api/daily_papers", params={"date": "2025-02-24"})
    assert response.status_code == 200
    [item] = response.json()
    assert HF_PAPER_FIELDS <= set(item["paper"])
    assert {"paper", "title", "summary", "publishedAt", "numComments"} <= set(item)
    paper = item["paper"]
    assert paper["id"] == "2502.00001" and paper["upvotes"] == 10
    assert paper["authors"] == [{"name": "Ann Author"}]
    assert paper["githubRepo"] == "https://github.com/example/quokka"
    assert paper["githubStars"] == 1500 and paper["ai_keywords"] == ["quokka", "RL"]
    assert paper["submittedOnDailyAt"] == "2025-02-24T08:00:00Z"
    assert paper["url"].endswith("/papers/2502.00001")
    schemas.DailyPaper.model_validate(item)  # what /openapi.json promises


def test_no_date_means_the_latest_listed_day(client) -> None:
    assert ids(client.get("/api/daily_papers").json()) == ["2503.00005"]


def test_week_month_sort_and_submitter(client) -> None:
    week = client.get("/api/daily_papers", params={"week": "2025-W09"}).json()
    assert ids(week) == ["2502.00004", "2502.00003", "2502.00001", "2502.00002", "hep-th/9901001"]
    trending = client.get("/api/daily_papers", params={"week": "2025-W09", "sort": "trending"})
    assert ids(trending.json())[0] == "2502.00003"
    assert all(item["trending"]["why"] for item in trending.json())
    month = client.get("/api/daily_papers", params={"month": "2025-03"}).json()
    assert ids(month) == ["2503.00005"]
    mine = client.get("/api/daily_papers", params={"month": "2025-02", "submitter": "alice"})
    assert ids(mine.json()) == ["2502.00003"]
    assert mine.json()[0]["submittedBy"] == {"name": "alice"}


def test_paging_with_p_and_limit(client) -> None:
    seen = []
    for page in range(3):
        response = client.get("/api/daily_papers",
                              params={"week": "2025-W09", "limit": 2, "p": page})
        assert response.headers["x-total-count"] == "5"
        assert ("link" in response.headers) == (page < 2)
        seen += ids(response.json())
    assert len(seen) == 5 and len(set(seen)) == 5
    assert client.get("/api/daily_papers", params={"week": "2025-W09", "p": 9}).json() == []


@pytest.mark.parametrize("query, parameter", [
    ({"date": "2025-02-30"}, "date"),
    ({"date": "20250225"}, "date"),
    ({"week": "2025-9"}, "week"),
    ({"month": "2025-00"}, "month"),
    ({"limit": 100000}, "limit"),
    ({"limit": 0}, "limit"),
    ({"p": -1}, "p"),
    ({"sort": "votes"}, "sort"),
    ({"date": "2025-02-25", "week": "2025-W09"}, "week"),
    ({"submitter": "a\x00b"}, "submitter"),
])
def test_bad_parameters_are_a_422_naming_the_parameter(client, query: dict, parameter: str) -> None:
    response = client.get("/api/daily_papers", params=query)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"][-1] == parameter and problem["msg"]


def test_one_paper_in_full(client) -> None:
    paper = client.get("/api/papers/2502.00003").json()
    schemas.PaperDetail.model_validate(paper)
    assert paper["title"] == "Lovelace engines for statistical language models"
    assert paper["categories"] == ["cs.CL", "math.ST"] and paper["numComments"] == 4
    assert paper["listings"] == [{"day": "2025-02-25", "source": "hf", "submittedBy": "alice",
                                  "submittedAt": "2025-02-25T08:00:00Z"}]
    assert paper["versions"] == [{"version": 1, "created": "2025-02-24T00:00:00Z"}]
    assert client.get("/api/papers/hep-th/9901001").json()["id"] == "hep-th/9901001"
    assert client.get(f"/api/papers/{DOI_KEY}").json()["doi"] == "10.1234/platypus.1"
    assert client.get("/api/papers/2502.00003v1").json()["id"] == "2502.00003"


def test_hostile_text_comes_back_as_plain_json_strings(client) -> None:
    paper = client.get("/api/papers/2502.00002").json()
    assert paper["title"] == HOSTILE_TITLE


def test_unknown_and_malformed_papers(client) -> None:
    missing = client.get("/api/papers/2502.99999")
    assert missing.status_code == 404 and "2502.99999" in missing.json()["detail"]
    for bad in ("nonsense", "2502.0001x", "title:xyz", "%00"):
        response = client.get(f"/api/papers/{bad}")
        assert response.status_code == 422, bad
        assert "is not a paper id" in response.json()["detail"][0]["msg"]
    assert client.get("/api/papers/2502.99999/similar").status_code == 404


def test_answers_carry_etags_and_cache_control(client) -> None:
    first = client.get("/api/papers/2502.00001")
    assert first.headers["cache-control"].startswith("public, max-age=")
    assert first.headers["last-modified"].endswith("GMT")
    again = client.get("/api/papers/2502.00001", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    since = client.get("/api/papers/2502.00001",
                       headers={"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304


def test_the_server_cache_serves_repeats_until_it_expires(papers_db) -> None:
    from .conftest import PAPERS, load, make_client
    from dataclasses import replace
    with make_client(papers_db, web_cache_seconds=60) as client:
        before = client.get("/api/papers/2502.00001").json()
        load(papers_db, [replace(PAPERS[0], upvotes=99)])
        assert client.get("/api/papers/2502.00001").json() == before  # reused
        client.app.state.site.cache.clear()
        assert client.get("/api/papers/2502.00001").json()["upvotes"] == 99


def test_openapi_schema_and_health(client) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("/api/daily_papers", "/api/papers/search", "/api/papers/{paper_id}",
                 "/api/papers/{paper_id}/similar", "/healthz", "/feeds/daily.{fmt}"):
        assert path in schema["paths"], path
    assert "/" not in schema["paths"]  # pages are not API
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json() == {"status": "ok", "database": True}
