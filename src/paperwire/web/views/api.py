"""The JSON API, shaped like Hugging Face's: /api/daily_papers, /api/papers/{id},
/api/papers/search and /api/papers/{id}/similar; and /api/authors/{name}, an author page's
papers. Documented in /openapi.json."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import Response

from ... import lists, search
from ...periods import day_of
from ...store.daily import cards
from ...store.papers import get_paper, resolve_paper_id
from .. import params, schemas
from ..caching import last_modified, respond
from ..pages import author_url, with_query
from .author import find as find_author
from .search import run as run_search

router = APIRouter(prefix="/api", tags=["api"])
MAX_LIMIT = 100


def json_response(data: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(data), media_type="application/json", headers=headers)


@router.get("/daily_papers", response_model=list[schemas.DailyPaper], responses=schemas.ERRORS,
            summary="The papers on the daily list of a day, week or month")
async def daily_papers(
        request: Request,
        p: int = params.PAGE,
        limit: int = Query(50, ge=1, le=MAX_LIMIT, description="Papers per page (1–100)."),
        date: str | None = Query(None, max_length=40, json_schema_extra=params.DAY_FORMAT,
                                 description="A day, YYYY-MM-DD (default: the latest listed day)."),
        week: str | None = Query(None, max_length=40, json_schema_extra=params.WEEK_FORMAT,
                                 description="An ISO week, YYYY-Www."),
        month: str | None = Query(None, max_length=40, json_schema_extra=params.MONTH_FORMAT,
                                  description="A month, YYYY-MM."),
        submitter: str | None = Query(None, max_length=100, pattern=params.PRINTABLE,
                                      description="Only papers this user put on the list."),
        sort: params.Sort = Query("publishedAt", description="publishedAt (newest first) or "
                                                             "trending.")) -> Response:
    given = [(name, value) for name, value in (("date", date), ("week", week), ("month", month))
             if value is not None]
    if len(given) > 1:
        raise params.BadParameter(given[1][0], "give only one of date, week and month")
    kinds = {"date": "day", "week": "week", "month": "month"}
    period = params.period(kinds[given[0][0]], given[0][1], given[0][0]) if given else None
    return await respond(request, lambda: _daily(request, period, p, limit, submitter, sort))


def _daily(request: Request, period, page: int, limit: int,  # noqa: ANN001
           submitter: str | None, sort: str) -> Response:
    site = request.app.state.site
    if period is None:
        period = day_of(lists.current_day(site.db) or lists.utc_now().date())
    papers = lists.daily(site.db, period, sort=sort, limit=limit, offset=page * limit,
                         submitter=submitter, gravity=site.gravity)
    headers = {"X-Total-Count": str(papers.total)}
    if papers.has_more:
        query = dict(request.query_params)
        query["p"] = str(page + 1)
        headers["Link"] = f'<{site.base_url}{with_query(request.url.path, **query)}>; rel="next"'
    return json_response([schemas.daily_json(e, site.base_url) for e in papers.entries], headers)


@router.get("/authors/{name:path}", response_model=schemas.AuthorPapers,
            responses=schemas.NO_AUTHOR, summary="An author's papers, newest first")
async def author_papers(
        request: Request,
        name: str = Path(description="The name as written on a paper (URL-encoded). Matched "
                                     "ignoring case, accents and spacing."),
        p: int = params.PAGE,
        limit: int = Query(50, ge=1, le=MAX_LIMIT, description="Papers per page (1–100).")
        ) -> Response:
    name = params.author_name(name)
    return await respond(request, lambda: _author(request, name, p, limit))


def _author(request: Request, name: str, page: int, limit: int) -> Response:
    site = request.app.state.site
    papers = find_author(site.db, name, limit=limit, page=page)
    headers = {"X-Total-Count": str(papers.total)}
    if papers.has_more:
        path = "/api" + author_url(papers.name)
        headers["Link"] = (f'<{site.base_url}{with_query(path, p=page + 1, limit=limit)}>; '
                           'rel="next"')
    return json_response(schemas.author_json(papers, site.base_url), headers)


@router.get("/papers/search", response_model=list[schemas.SearchResult],
            responses=schemas.ERRORS, summary="Search papers by words and meaning")
async def search_papers(
        request: Request,
        q: str = Query(..., min_length=1, max_length=params.MAX_TEXT, pattern=params.PRINTABLE,
                       description="Words to search for."),
        limit: int = Query(20, ge=1, le=MAX_LIMIT, description="Results per page (1–100)."),
        p: int = params.PAGE, since: str | None = params.SINCE, until: str | None = params.UNTIL,
        category: str | None = params.CATEGORY_FILTER, author: str | None = params.AUTHOR,
        mode: params.Mode = params.MODE) -> Response:
    search_request = params.search_request(q, since=since, until=until, category_name=category,
                                           author=author, mode=mode, limit=limit,
                                           offset=p * limit)
    return await respond(request, lambda: _search(request, search_request))


def _search(request: Request, search_request: search.SearchRequest) -> Response:
    site = request.app.state.site
    try:
        entries, results = run_search(site.db, search_request, site.config)
    except search.SearchError as exc:
        raise params.BadParameter("q", str(exc)) from None
    headers = {"X-Search-Mode": results.mode}
    if results.total is not None:
        headers["X-Total-Count"] = str(results.total)
    return json_response([schemas.search_json(e, site.base_url) for e in entries], headers)


@router.get("/papers/{paper_id:path}/similar", response_model=list[schemas.SearchResult],
            responses=schemas.NOT_FOUND, summary="Papers similar to this one")
async def similar_papers(request: Request, paper_id: str,
                         limit: int = Query(10, ge=1, le=MAX_LIMIT)) -> Response:
    params.paper_id(paper_id)
    return await respond(request, lambda: _similar(request, paper_id, limit))


def _similar(request: Request, raw_id: str, limit: int) -> Response:
    site = request.app.state.site
    key = _resolve(site.db, raw_id)
    try:
        hits = search.similar(site.db, key, limit, config=site.config)
    except search.UnknownPaper:
        raise HTTPException(404, f"no paper {raw_id!r}") from None
    with site.db.read() as connection:
        found = cards(connection, [hit.id for hit in hits])
    entries = [lists.Entry(found[h.id], score=h.score, reasons=list(h.reasons))
               for h in hits if h.id in found]
    return json_response([schemas.search_json(e, site.base_url) for e in entries])


@router.get("/papers/{paper_id:path}", response_model=schemas.PaperDetail,
            responses=schemas.NOT_FOUND, summary="One paper, with versions and listings")
async def paper(request: Request, paper_id: str) -> Response:
    params.paper_id(paper_id)
    return await respond(request, lambda: _paper(request, paper_id))


def _paper(request: Request, raw_id: str) -> Response:
    site = request.app.state.site
    key = _resolve(site.db, raw_id)
    with site.db.read() as connection:
        stored = get_paper(connection, key)
        card = cards(connection, [key]).get(key)
    if stored is None or card is None:
        raise HTTPException(404, f"no paper {raw_id!r}")
    return json_response(schemas.detail_json(stored, card, site.base_url),
                         {"Last-Modified": last_modified(stored.changed_at)})


def _resolve(db, raw_id: str) -> str:  # noqa: ANN001
    with db.read() as connection:
        key = resolve_paper_id(connection, raw_id)
    if key is None:
        raise HTTPException(404, f"no paper {raw_id!r}")
    return key
