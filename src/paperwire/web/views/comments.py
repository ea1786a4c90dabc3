"""Comments: write (or reply), edit and delete your own. Markdown with LaTeX, rendered
and sanitised when shown (community/markdown.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response

from ...community.clock import stamp
from ...store.comments import add_comment, delete_comment, edit_comment, get_comment
from ...store.papers import get_paper
from ..pages import paper_url
from ..people import back, require_user
from ..ratelimit import limited
from ..visitor import require_csrf

router = APIRouter(include_in_schema=False)


def _body(request: Request, body: str) -> str:
    text = body.replace("\r\n", "\n").replace("\x00", "").strip()
    limit = request.app.state.config.comment_max_chars
    if not text:
        raise HTTPException(422, "The comment is empty.")
    if len(text) > limit:
        raise HTTPException(422, f"Comments can be at most {limit} characters long.")
    return text


@router.post("/comments", dependencies=[Depends(require_csrf), Depends(limited("comment"))])
def write(request: Request, paper: str = Form(..., max_length=300),
          body: str = Form(..., max_length=200_000), parent: int | None = Form(None),
          user=Depends(require_user)) -> Response:  # noqa: ANN001
    text = _body(request, body)
    with request.app.state.db.write() as connection:
        if get_paper(connection, paper) is None:
            raise HTTPException(404, f"We have no paper {paper!r}.")
        try:
            comment_id = add_comment(connection, paper, user.id, text, stamp(), parent)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
    return back(request, {"next": f"{paper_url(paper)}#comment-{comment_id}"})


@router.post("/comments/{comment_id}/edit",
             dependencies=[Depends(require_csrf), Depends(limited("comment"))])
def edit(request: Request, comment_id: int, body: str = Form(..., max_length=200_000),
         user=Depends(require_user)) -> Response:  # noqa: ANN001
    text = _body(request, body)
    with request.app.state.db.write() as connection:
        comment = get_comment(connection, comment_id)
        if comment is None or not edit_comment(connection, comment_id, user.id, text, stamp()):
            raise HTTPException(403, "You can only edit your own comments.")
    return back(request, {"next": f"{paper_url(comment.paper_id)}#comment-{comment_id}"})


@router.post("/comments/{comment_id}/delete", dependencies=[Depends(require_csrf)])
def delete(request: Request, comment_id: int, user=Depends(require_user)) -> Response:  # noqa: ANN001
    with request.app.state.db.write() as connection:
        comment = get_comment(connection, comment_id)
        if comment is None or not delete_comment(connection, comment_id, user.id):
            raise HTTPException(403, "You can only delete your own comments.")
    return back(request, {"next": f"{paper_url(comment.paper_id)}#comment-{comment_id}"})
