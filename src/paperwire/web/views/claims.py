"""Claiming authorship of a paper."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response

from ...community.claiming import claim
from ...store.papers import get_paper
from ..pages import paper_url
from ..people import back, require_user
from ..ratelimit import limited
from ..visitor import require_csrf

router = APIRouter(include_in_schema=False)


@router.post("/claims", dependencies=[Depends(require_csrf), Depends(limited("claim"))])
def claim_paper(request: Request, paper: str = Form(..., max_length=300),
                user=Depends(require_user)) -> Response:  # noqa: ANN001
    db = request.app.state.db
    with db.read() as connection:
        if get_paper(connection, paper) is None:
            raise HTTPException(404, f"We have no paper {paper!r}.")
    claim(db, user, paper)
    return back(request, {"next": paper_url(paper) + "#claim"})
