"""An author's page, at /authors/{name} (the name URL-encoded): their papers, newest
publication first, paged, each with its co-authors linked to their own pages.

Names match as paperwire.author_keys says: ignoring case, accents, spacing and the space
after initials ("/authors/ada%20lovelace" is Ada Lovelace's page), and nothing looser, so
"Lovelace, Ada" or "A. Lovelace" are other pages. The heading shows the name as written on
their newest paper. /api/authors/{name} is the JSON counterpart (views/api.py).
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from ... import lists
from .. import params
from ..caching import respond
from ..pages import author_url

router = APIRouter(include_in_schema=False)


@router.get("/authors/{name:path}")
async def author_page(request: Request, name: str, p: int = params.PAGE) -> Response:
    name = params.author_name(name)
    return await respond(request, lambda: build(request, name, p))


def build(request: Request, name: str, page: int) -> Response:
    site = request.app.state.site
    papers = find(site.db, name, limit=site.page_size, page=page)
    if not papers.entries:
        raise HTTPException(404, f"“{papers.name}” has {papers.total} paper"
                                 f"{'' if papers.total == 1 else 's'}: page {page + 1} is past "
                                 "the last one.")
    return site.pages.render(request, "author.html", {
        "papers": papers, "page": page, "base_path": author_url(papers.name),
        "api_path": "/api" + author_url(papers.name)})


def find(db, name: str, *, limit: int, page: int) -> lists.AuthorPapers:  # noqa: ANN001
    """The page of the author's papers, or 404 when no paper has that name."""
    papers = lists.by_author(db, name, limit=limit, offset=page * limit)
    if papers is None:
        raise HTTPException(404, f"We have no papers by “{name}”. Names match whole, "
                                 "ignoring case and accents: try the search with "
                                 "author:, or a spelling from a paper page.")
    return papers
