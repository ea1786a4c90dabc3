"""RSS 2.0 (.xml), Atom (.atom) and JSON Feed (.json) for the daily list, trending, every
category and every search, at stable addresses under /feeds/."""

from __future__ import annotations

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from ... import feeds, lists, search
from ...lists import Entry, parse_moment
from .. import params
from ..caching import respond
from ..pages import paper_url, with_query
from .search import run as run_search

router = APIRouter(prefix="/feeds", tags=["feeds"])
ITEMS = 50
DAILY_DAYS, DAILY_ITEMS = 7, 100
JSON_FEED_SCHEMA = {
    "type": "object", "required": ["version", "title", "items"],
    "properties": {
        "version": {"type": "string"}, "title": {"type": "string"},
        "home_page_url": {"type": "string"}, "feed_url": {"type": "string"},
        "items": {"type": "array", "items": {
            "type": "object", "required": ["id"],
            "properties": {"id": {"type": "string"}, "url": {"type": "string"},
                           "title": {"type": "string"}, "content_text": {"type": "string"},
                           "date_published": {"type": "string"}}}},
    },
}
FEED_RESPONSES = {
    200: {"content": {"application/rss+xml": {"schema": {"type": "string"}},
                      "application/atom+xml": {"schema": {"type": "string"}},
                      "application/feed+json": {"schema": JSON_FEED_SCHEMA}},
          "description": "The feed, in the format its extension names."},
    422: {"description": "A parameter is malformed."},
}
FORMAT = "Feed format: xml (RSS 2.0), atom (Atom 1.0) or json (JSON Feed 1.1)."


def _items(entries: list[Entry], base: str, *, listed: bool = False,
           why: bool = False) -> list[feeds.FeedItem]:
    items = []
    for entry in entries:
        card = entry.card
        url = base + paper_url(card.id)
        summary = card.abstract
        if why and entry.why:
            summary = f"Why it is here: {entry.why}\n\n{summary}"
        if entry.reasons:
            summary = f"Matched: {'; '.join(entry.reasons)}\n\n{summary}"
        published = card.listed_at if listed and card.listed_at else card.published
        items.append(feeds.FeedItem(
            id=url, url=url, title=card.title, summary=summary,
            updated=parse_moment(card.changed_at),
            published=parse_moment(published) if published else None,
            authors=card.authors, categories=card.categories, external_url=card.abs_link))
    return items


def _response(feed: feeds.Feed, fmt: str) -> Response:
    return Response(feeds.render(feed, fmt), media_type=feeds.MEDIA_TYPES[fmt])


@router.get("/daily.{fmt}", responses=FEED_RESPONSES, response_class=Response,
            summary="The daily papers of the last week, newest listing first")
async def daily_feed(request: Request, fmt: params.FeedFormat) -> Response:
    def build() -> Response:
        site = request.app.state.site
        papers = lists.recent(site.db, DAILY_DAYS, limit=DAILY_ITEMS)
        return _response(feeds.Feed(
            "Paperwire: daily papers", "The papers on the daily list, newest first.",
            site.base_url + "/", site.base_url + "/feeds/daily",
            _items(papers.entries, site.base_url, listed=True)), fmt)
    return await respond(request, build)


@router.get("/trending.{fmt}", responses=FEED_RESPONSES, response_class=Response,
            summary="The trending papers of the past week")
async def trending_feed(request: Request, fmt: params.FeedFormat) -> Response:
    def build() -> Response:
        site = request.app.state.site
        papers = lists.trending(site.db, "week", limit=ITEMS, gravity=site.gravity)
        return _response(feeds.Feed(
            "Paperwire: trending papers", "The papers of the past week by trending score.",
            site.base_url + "/trending", site.base_url + "/feeds/trending",
            _items(papers.entries, site.base_url, listed=True, why=True)), fmt)
    return await respond(request, build)


@router.get("/category/{category}.{fmt}", responses=FEED_RESPONSES, response_class=Response,
            summary="The newest papers in a category")
async def category_feed(request: Request, fmt: params.FeedFormat,
                        category: str = Path(json_schema_extra=params.CATEGORY_FORMAT)
                        ) -> Response:
    name = params.category(category)

    def build() -> Response:
        site = request.app.state.site
        papers = lists.category(site.db, name, limit=ITEMS)
        return _response(feeds.Feed(
            f"Paperwire: {name}", f"The newest papers in {name}.",
            f"{site.base_url}/categories/{name}", f"{site.base_url}/feeds/category/{name}",
            _items(papers.entries, site.base_url)), fmt)
    return await respond(request, build)


@router.get("/search.{fmt}", responses=FEED_RESPONSES, response_class=Response,
            summary="The results of a search, as a feed")
async def search_feed(
        request: Request, fmt: params.FeedFormat,
        q: str = Query(..., min_length=1, max_length=params.MAX_TEXT, pattern=params.PRINTABLE,
                       description="Words to search for."),
        since: str | None = params.SINCE, until: str | None = params.UNTIL,
        category: str | None = params.CATEGORY_FILTER, author: str | None = params.AUTHOR,
        mode: params.Mode = params.MODE) -> Response:
    search_request = params.search_request(q, since=since, until=until, category_name=category,
                                           author=author, mode=mode, limit=ITEMS, offset=0)
    filters = {"q": q, "since": since, "until": until, "category": category, "author": author,
               "mode": None if mode == "hybrid" else mode}

    def build() -> Response:
        site = request.app.state.site
        try:
            entries, _ = run_search(site.db, search_request, site.config)
        except search.SearchError as exc:
            raise params.BadParameter("q", str(exc)) from None
        query = with_query("", **filters)
        return _response(feeds.Feed(
            f"Paperwire: search for {q.strip()}", f"Papers matching “{q.strip()}”.",
            site.base_url + "/search" + query, site.base_url + "/feeds/search",
            _items(entries, site.base_url), feed_query=query), fmt)
    return await respond(request, build)
