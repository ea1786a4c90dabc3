"""The "About trending" page: the formula, its constants and the gravity in use."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ...rank import trending
from ..caching import respond

router = APIRouter(include_in_schema=False)


@router.get("/about/trending")
async def about_trending(request: Request) -> Response:
    def build() -> Response:
        site = request.app.state.site
        return site.pages.render(request, "about_trending.html", {
            "gravity": site.gravity, "comment_weight": trending.COMMENT_WEIGHT,
            "star_weight": trending.STAR_WEIGHT, "offset_hours": trending.OFFSET_HOURS,
            "star_rate_hours": trending.STAR_RATE_HOURS,
            "example": trending.score(
                trending.Signals(votes=40, comments=6, stars=255,
                                 listed_at=trending.datetime(2025, 1, 1, tzinfo=trending.timezone.utc)),
                trending.datetime(2025, 1, 1, 10, tzinfo=trending.timezone.utc), site.gravity)})
    return await respond(request, build)
