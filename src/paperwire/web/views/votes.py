"""Upvotes: a form POST (pages work without JavaScript: it answers with a redirect back)
or a fetch from app.js (it answers JSON with the new count)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from ...community.clock import stamp
from ...store.papers import get_paper
from ...store.votes import add_vote, remove_vote, shown_votes
from ..pages import paper_url
from ..people import back, require_user
from ..ratelimit import limited
from ..visitor import require_csrf

router = APIRouter(include_in_schema=False)


@router.post("/votes", dependencies=[Depends(require_csrf), Depends(limited("vote"))])
def vote(request: Request, paper: str = Form(..., max_length=300),
         action: Literal["up", "undo"] = Form("up"), next: str = Form("", max_length=2000),
         user=Depends(require_user)) -> Response:  # noqa: A002, ANN001
    db = request.app.state.db
    with db.write() as connection:
        if get_paper(connection, paper) is None:
            raise HTTPException(404, f"We have no paper {paper!r}.")
        if action == "up":
            add_vote(connection, user.id, paper, stamp())
        else:
            remove_vote(connection, user.id, paper)
        votes = shown_votes(connection, paper)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"paper": paper, "votes": votes, "voted": action == "up"},
                            headers={"Cache-Control": "no-store"})
    return back(request, {"next": next}, paper_url(paper))
