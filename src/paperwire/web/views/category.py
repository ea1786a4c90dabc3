"""A category's newest papers, with its feeds."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ... import lists
from .. import params
from ..caching import respond

router = APIRouter(include_in_schema=False)


@router.get("/categories/{name}")
async def category_page(request: Request, name: str, p: int = params.PAGE) -> Response:
    name = params.category(name)
    return await respond(request, lambda: build(request, name, p))


def build(request: Request, name: str, page: int) -> Response:
    site = request.app.state.site
    papers = lists.category(site.db, name, limit=site.page_size, offset=page * site.page_size)
    return site.pages.render(request, "category.html", {
        "name": name, "papers": papers, "page": page, "base_path": f"/categories/{name}"})
