"""The trending page: the papers of the last day, week or month by trending score, each
with its one-line "why it is here"."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ... import lists
from ...rank import trending as formula
from .. import params
from ..caching import respond

router = APIRouter(include_in_schema=False)


@router.get("/trending")
async def trending_page(request: Request,
                        window: params.Window = Query("week", description="day, week or month"),
                        p: int = params.PAGE) -> Response:
    return await respond(request, lambda: build(request, window, p))


def build(request: Request, window: str, page: int) -> Response:
    site = request.app.state.site
    papers = lists.trending(site.db, window, limit=site.page_size, offset=page * site.page_size,
                            gravity=site.gravity)
    return site.pages.render(request, "trending.html", {
        "papers": papers, "window": window, "windows": list(lists.WINDOWS), "page": page,
        "gravity": site.gravity, "formula": formula, "base_path": "/trending",
    })
