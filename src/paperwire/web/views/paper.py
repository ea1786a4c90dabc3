"""A paper's page, at /papers/{id} like Hugging Face's: the full abstract with its LaTeX as
MathML, authors, dates and versions, the AI summary and keywords, links, similar papers."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from ... import links, search
from ...store.metrics import history
from ...store.papers import get_paper, resolve_paper_id
from .. import params
from ..caching import last_modified, respond
from ..chart import line_chart
from ..community_block import build_block
from ..pages import paper_url

router = APIRouter(include_in_schema=False)
SIMILAR_SHOWN = 6


@router.get("/papers/{paper_id:path}")
async def paper_page(request: Request, paper_id: str) -> Response:
    params.paper_id(paper_id)
    return await respond(request, lambda: build(request, paper_id))


def build(request: Request, raw_id: str) -> Response:
    site = request.app.state.site
    with site.db.read() as connection:
        key = resolve_paper_id(connection, raw_id)
        paper = get_paper(connection, key) if key else None
        points = history(connection, key) if paper else []
    if paper is None:
        raise HTTPException(404, f"We have no paper {raw_id!r}. It may not be imported yet: "
                                 "try the search, or look it up on arXiv.")
    if key != raw_id:
        return RedirectResponse(paper_url(key), status_code=301)
    try:
        similar = search.similar(site.db, key, SIMILAR_SHOWN, config=site.config)
        similar_note = None
    except search.SearchError as exc:
        similar, similar_note = [], str(exc)
    record = paper.record
    return site.pages.render(request, "paper.html", {
        "paper": paper, "record": record, "abs_link": links.abs_url(record),
        "pdf_link": links.pdf_url(record), "votes": (record.upvotes or 0) + paper.vote_count,
        "comments": (record.num_comments or 0) + paper.comment_count,
        "similar": similar, "similar_note": similar_note,
        "community": build_block(request, key, site.gravity),
        # a digest link (?from=digest): the page offers "more like this" without JavaScript
        "from_digest": request.query_params.get("from") == "digest",
        "charts": [(label, chart) for label, chart in (
            ("Upvotes", line_chart("Upvotes", [(p.day, p.upvotes) for p in points
                                               if p.upvotes is not None])),
            ("GitHub stars", line_chart("GitHub stars", [(p.day, p.github_stars) for p in points
                                                         if p.github_stars is not None])))
            if chart],
    }, headers={"Last-Modified": last_modified(paper.changed_at)})
