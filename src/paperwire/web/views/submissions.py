"""Submitting a paper to today's list by arXiv id (rules in community/submitting.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from ...community.submitting import SubmissionRefused, submit
from ..people import current_user, require_user
from ..ratelimit import limited
from ..visitor import require_csrf

router = APIRouter(include_in_schema=False)


@router.get("/submit")
def submit_form(request: Request) -> Response:
    if current_user(request) is None:
        return RedirectResponse("/signin", status_code=303)
    return _page(request, None, None)


def _page(request: Request, message: str | None, error: str | None, status: int = 200,
          arxiv_id: str = "") -> Response:
    site = request.app.state.site
    return site.pages.render(request, "submit.html", {
        "message": message, "error": error, "arxiv_id": arxiv_id,
        "max_age": site.config.submission_max_age_days,
        "daily_limit": site.config.submission_daily_limit}, status=status)


@router.post("/submit", dependencies=[Depends(require_csrf), Depends(limited("submit"))])
def submit_paper(request: Request, arxiv_id: str = Form(..., max_length=200),
                 user=Depends(require_user)) -> Response:  # noqa: ANN001
    site = request.app.state.site
    try:
        done = submit(site.db, site.config, user, arxiv_id)
    except SubmissionRefused as exc:
        return _page(request, None, str(exc), 422, arxiv_id)
    if done.status == "approved":
        message = f"Thank you: {done.paper_id} is on the list for {done.day}."
    else:
        message = (f"Thank you: {done.paper_id} waits for an admin's review (new accounts' "
                   "first submissions do).")
    return _page(request, message, None)
