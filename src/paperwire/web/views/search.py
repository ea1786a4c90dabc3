"""The search page: words, filters (date range, category, author), pagination, and why
each result matched. It calls the search library's contract (paperwire.search)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ... import search
from ...lists import Entry
from ...store.daily import cards
from .. import params
from ..caching import respond

router = APIRouter(include_in_schema=False)


@router.get("/search")
async def search_page(request: Request, q: str = params.QUERY, since: str | None = params.SINCE,
                      until: str | None = params.UNTIL,
                      category: str | None = params.CATEGORY_FILTER,
                      author: str | None = params.AUTHOR, mode: params.Mode = params.MODE,
                      p: int = params.PAGE) -> Response:
    site = request.app.state.site
    search_request = params.search_request(q, since=since, until=until, category_name=category,
                                           author=author, mode=mode, limit=site.page_size,
                                           offset=p * site.page_size)
    return await respond(request, lambda: build(request, search_request, p))


def run(db, request: search.SearchRequest, config=None  # noqa: ANN001
        ) -> tuple[list[Entry], search.SearchResults]:
    """Search, then the cards of the hits in rank order, each with why it matched."""
    results = search.search(db, request, config)
    with db.read() as connection:
        found = cards(connection, [hit.id for hit in results.hits])
    entries = [Entry(found[hit.id], score=hit.score, reasons=list(hit.reasons))
               for hit in results.hits if hit.id in found]
    return entries, results


def build(request: Request, search_request: search.SearchRequest, page: int) -> Response:
    site = request.app.state.site
    context = {"asked": search_request, "page": page, "entries": [], "results": None,
               "error": None, "filters": _filters(search_request), "has_more": False}
    status = 200
    if search_request.query:
        try:
            entries, results = run(site.db, search_request, site.config)
        except search.SearchError as exc:
            context["error"], status = str(exc), 422
        else:
            total = results.total
            context.update(entries=entries, results=results,
                           has_more=(search_request.offset + len(results.hits) < total)
                           if total is not None else len(results.hits) == search_request.limit)
    return site.pages.render(request, "search.html", context, status=status)


def _filters(request: search.SearchRequest) -> dict[str, str | None]:
    """The request's parameters as they appear in addresses (for pages and feed links)."""
    return {"q": request.query or None,
            "since": request.since.isoformat() if request.since else None,
            "until": request.until.isoformat() if request.until else None,
            "category": request.categories[0] if request.categories else None,
            "author": request.authors[0] if request.authors else None,
            "mode": request.mode if request.mode != "hybrid" else None}
