"""The admin's pages: the moderation queues (submissions, claims), hiding comments,
featuring papers on a day, and the moderation log. Every route answers 403 to anyone
who is not an admin."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from ...community import moderation
from ...periods import parse_day
from ...store.claims import pending_claims
from ...store.moderation_log import recent_actions
from ...store.papers import get_paper
from ...store.submissions import pending_submissions
from ..pages import paper_url
from ..people import back, require_admin
from ..visitor import require_csrf

router = APIRouter(include_in_schema=False)
ADMIN = [Depends(require_admin)]
ADMIN_POST = [Depends(require_csrf), Depends(require_admin)]


@router.get("/admin", dependencies=ADMIN)
def queue(request: Request) -> Response:
    site = request.app.state.site
    with site.db.read() as connection:
        submissions = pending_submissions(connection)
        claims = pending_claims(connection)
        log = recent_actions(connection, 50)
    return site.pages.render(request, "admin.html", {
        "submissions": submissions, "claims": claims, "log": log})


@router.post("/admin/submissions/{submission_id}", dependencies=ADMIN_POST)
def decide_submission(request: Request, submission_id: int,
                      decision: Literal["approve", "reject"] = Form(...),
                      admin=Depends(require_admin)) -> Response:  # noqa: ANN001
    moderation.decide_submission(request.app.state.db, admin, submission_id,
                                 decision == "approve")
    return RedirectResponse("/admin", status_code=303)


@router.post("/admin/claims/{claim_id}", dependencies=ADMIN_POST)
def decide_claim(request: Request, claim_id: int,
                 decision: Literal["approve", "reject"] = Form(...),
                 admin=Depends(require_admin)) -> Response:  # noqa: ANN001
    moderation.decide_authorship(request.app.state.db, admin, claim_id, decision == "approve")
    return RedirectResponse("/admin", status_code=303)


@router.post("/admin/comments/{comment_id}/hide", dependencies=ADMIN_POST)
def hide_comment(request: Request, comment_id: int, hidden: bool = Form(True),
                 admin=Depends(require_admin)) -> Response:  # noqa: ANN001
    comment = moderation.hide_comment(request.app.state.db, admin, comment_id, hidden)
    if comment is None:
        raise HTTPException(404, "There is no such comment.")
    return back(request, {}, f"{paper_url(comment.paper_id)}#comment-{comment_id}")


@router.post("/admin/featured", dependencies=ADMIN_POST)
def feature(request: Request, paper: str = Form(..., max_length=300),
            day: str = Form(..., max_length=20), featured: bool = Form(True),
            admin=Depends(require_admin)) -> Response:  # noqa: ANN001
    try:
        when = parse_day(day).start
    except ValueError as exc:
        raise HTTPException(422, f"day: {exc}") from None
    db = request.app.state.db
    with db.read() as connection:
        if get_paper(connection, paper) is None:
            raise HTTPException(404, f"We have no paper {paper!r}.")
    moderation.feature_paper(db, admin, when.isoformat(), paper, featured)
    return RedirectResponse(f"/papers/date/{when.isoformat()}", status_code=303)
