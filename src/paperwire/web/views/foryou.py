"""For you: the personal feed (/for-you), its profile (/for-you/profile), follows, the map
of recent papers (/map), the JSON API (/api/users/me/recommendations) and the private
feed (/feeds/for-you/{token}.{xml,atom,json}). Pages work without JavaScript: every
action is a form POST with the CSRF token, answered by a redirect back."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from ... import feeds
from ...lists import Entry
from ...recommend import actions
from ...recommend.feed import recommend, refresh_model
from ...recommend.map import build_map
from ...recommend.pool import POOLS
from ...recommend.profile import POSITIVE, load_profile
from ...search.semantic import embedder_for
from ...store.daily import cards
from .. import params
from ..pages import paper_url
from ..people import back, current_user, require_user
from ..ratelimit import limited
from ..visitor import require_csrf
from .feeds import FEED_RESPONSES, _items, _response

router = APIRouter(include_in_schema=False)
PAGE = 20
SIGNAL_NAMES = {"upvoted": "upvoted", "saved": "saved", "opened": "opened from a digest",
                "seeded": "picked on the map", "not_interested": "not interested",
                "skipped": "shown, skipped"}
ACT = [Depends(require_csrf), Depends(limited("foryou"))]


def _feed(request: Request, user_id: int, limit: int, offset: int):  # noqa: ANN202
    site = request.app.state  # a GET: a model trained here is kept in memory, not written
    return recommend(site.db, site.config, user_id, limit=limit, offset=offset, persist=False)


def _learn(request: Request, user_id: int) -> None:
    """After a POST that changed the reader's signals: train and store their model now."""
    refresh_model(request.app.state.db, request.app.state.config, user_id)


@router.get("/for-you")
def for_you(request: Request, p: int = Query(0, ge=0, le=50)) -> Response:
    user = current_user(request)
    pages = request.app.state.site.pages
    if user is None:
        return pages.render(request, "foryou.html", {"user": None, "feed": None, "page": 0})
    feed = _feed(request, user.id, PAGE + 1, p * PAGE)
    items = feed.items[:PAGE]
    return pages.render(request, "foryou.html", {
        "user": user, "feed": feed, "items": items, "page": p,
        "has_more": len(feed.items) > PAGE, "shown": [i.card.id for i in items]},
        headers={"Cache-Control": "private, no-store"})


@router.post("/for-you/not-interested", dependencies=ACT)
def not_interested(request: Request, paper: str = Form(..., max_length=300),
                   next: str = Form("", max_length=2000),
                   user=Depends(require_user)) -> Response:  # noqa: A002, ANN001
    _act(lambda: actions.not_interested(request.app.state.db, user.id, paper))
    _learn(request, user.id)
    return _answer(request, next, {"paper": paper, "not_interested": True})


@router.post("/for-you/save", dependencies=ACT)
def save(request: Request, paper: str = Form(..., max_length=300),
         next: str = Form("", max_length=2000), user=Depends(require_user)) -> Response:  # noqa: A002, ANN001
    _act(lambda: actions.save(request.app.state.db, user.id, paper))
    _learn(request, user.id)
    return _answer(request, next, {"paper": paper, "saved": True})


@router.post("/for-you/opened", dependencies=ACT)
def opened(request: Request, paper: str = Form(..., max_length=300),
           next: str = Form("", max_length=2000), user=Depends(require_user)) -> Response:  # noqa: A002, ANN001
    """Sent by app.js when a signed-in reader opens a paper from a digest link, or by the
    page's button where JavaScript is off (back to the paper, then)."""
    _act(lambda: actions.opened(request.app.state.db, user.id, paper))
    _learn(request, user.id)
    return _answer(request, next or "/for-you", {"paper": paper, "opened": True})


@router.post("/for-you/seen", dependencies=ACT)
async def seen(request: Request, user=Depends(require_user)) -> Response:  # noqa: ANN001
    form = await request.form()
    shown = [v for v in form.getlist("shown") if isinstance(v, str)][:100]
    count = actions.skipped(request.app.state.db, user.id, shown) if shown else 0
    _learn(request, user.id)
    return _answer(request, form.get("next"), {"skipped": count})


@router.post("/for-you/forget", dependencies=ACT)
def forget(request: Request, paper: str = Form(..., max_length=300),
           next: str = Form("", max_length=2000), user=Depends(require_user)) -> Response:  # noqa: A002, ANN001
    actions.forget(request.app.state.db, user.id, paper)
    _learn(request, user.id)
    return _answer(request, next or "/for-you/profile", {"paper": paper, "forgotten": True})


@router.post("/for-you/interests", dependencies=ACT)
def interests(request: Request, interest: str = Form(..., max_length=400),
              action: Literal["add", "remove"] = Form("add"),
              next: str = Form("", max_length=2000), user=Depends(require_user)) -> Response:  # noqa: A002, ANN001
    db = request.app.state.db
    if action == "add":
        actions.add_interest(db, user.id, interest)
    else:
        actions.remove_interest(db, user.id, interest)
    return _answer(request, next or "/for-you/profile", {"interest": interest, "action": action})


@router.post("/follows", dependencies=ACT)
def follows(request: Request, kind: Literal["author", "category"] = Form(...),
            value: str = Form(..., min_length=1, max_length=300),
            action: Literal["follow", "unfollow"] = Form("follow"),
            next: str = Form("", max_length=2000), user=Depends(require_user)) -> Response:  # noqa: A002, ANN001
    db = request.app.state.db
    if action == "follow":
        actions.follow(db, user.id, kind, value)
    else:
        actions.unfollow(db, user.id, kind, value)
    return _answer(request, next or "/for-you/profile",
                   {"kind": kind, "value": value, "following": action == "follow"})


@router.post("/for-you/reset", dependencies=ACT)
def reset(request: Request, user=Depends(require_user)) -> Response:  # noqa: ANN001
    actions.reset(request.app.state.db, user.id)
    return RedirectResponse("/for-you/profile", status_code=303)


@router.post("/for-you/feed-token", dependencies=ACT)
def feed_token(request: Request, user=Depends(require_user)) -> Response:  # noqa: ANN001
    token = actions.new_feed_token(request.app.state.db, user.id)
    return _profile_page(request, user, feed_token=token)


@router.get("/for-you/profile")
def profile_page(request: Request, user=Depends(require_user)) -> Response:  # noqa: ANN001
    return _profile_page(request, user)


def _profile_page(request: Request, user, feed_token: str | None = None) -> Response:  # noqa: ANN001
    db = request.app.state.db
    profile = load_profile(db, user.id)
    latest = profile.latest()
    with db.read() as connection:
        found = cards(connection, list(latest), with_listing=False)
    signals = [(found[p], s.kind, SIGNAL_NAMES.get(s.kind, s.kind), s.kind in POSITIVE)
               for p, s in reversed(list(latest.items())) if p in found]
    base = request.app.state.site.base_url
    return request.app.state.site.pages.render(request, "foryou_profile.html", {
        "user": user, "profile": profile, "signals": signals, "feed_token": feed_token,
        "feed_base": f"{base}/feeds/for-you/"}, headers={"Cache-Control": "private, no-store"})


@router.get("/map")
def paper_map(request: Request, paper: str | None = Query(None, max_length=300),
              cluster: int | None = Query(None, ge=0, le=1000)) -> Response:
    state = request.app.state
    config = state.config
    pool = POOLS.get(state.db, embedder_for(config).key, config.recommend_window_days)
    drawn = build_map(state.db, pool, papers=config.recommend_map_papers,
                      clusters=config.recommend_map_clusters)
    chosen = next((pt for pt in drawn.points if pt.id == paper), None)
    group = next((c for c in drawn.clusters if c.index == cluster), None)
    if chosen is not None and group is None:
        group = next((c for c in drawn.clusters if c.index == chosen.cluster), None)
    return state.site.pages.render(request, "map.html", {
        "map": drawn, "chosen": chosen, "group": group, "user": current_user(request),
        "titles": {pt.id: pt.title for pt in drawn.points}},
        headers={"Cache-Control": "private, no-store"})


@router.post("/map/seed", dependencies=ACT)
async def map_seed(request: Request, user=Depends(require_user)) -> Response:  # noqa: ANN001
    form = await request.form()
    papers = [v for v in form.getlist("paper") if isinstance(v, str)][:50]
    count = _act(lambda: actions.seed(request.app.state.db, user.id, papers))
    _learn(request, user.id)
    return _answer(request, form.get("next") or "/for-you", {"seeded": count})


def _act(action):  # noqa: ANN001, ANN202
    try:
        return action()
    except actions.UnknownPaper as exc:
        raise HTTPException(404, str(exc)) from None


def _answer(request: Request, next_path: object, body: dict) -> Response:
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(body, headers={"Cache-Control": "no-store"})
    return back(request, {"next": next_path}, "/for-you")


def _item(item, base: str) -> dict:  # noqa: ANN001
    card = item.card
    return {"id": card.id, "title": card.title, "authors": card.authors,
            "categories": card.categories, "published": card.published,
            "summary": card.abstract, "url": base + paper_url(card.id),
            "score": round(item.score, 4), "reasons": item.reasons}


@router.get("/api/users/me/recommendations")
def api_recommendations(request: Request, limit: int = Query(20, ge=1, le=100),
                        offset: int = Query(0, ge=0, le=1000)) -> JSONResponse:
    """The signed-in reader's "For you" list, each paper with its reasons (session cookie;
    403 when signed out)."""
    user = current_user(request)
    if user is None:
        raise HTTPException(403, "Please sign in first.")
    feed = _feed(request, user.id, limit, offset)
    base = request.app.state.site.base_url
    return JSONResponse({"personal": feed.personal, "candidates": feed.candidates,
                         "items": [_item(i, base) for i in feed.items]},
                        headers={"Cache-Control": "private, no-store"})


@router.get("/feeds/for-you/{token}.{fmt}", responses=FEED_RESPONSES, response_class=Response)
def private_feed(request: Request, token: str, fmt: params.FeedFormat) -> Response:
    db = request.app.state.db
    user_id = actions.user_for_feed_token(db, token)
    if user_id is None:
        raise HTTPException(404, "There is no such feed.")
    feed = _feed(request, user_id, 30, 0)
    base = request.app.state.site.base_url
    entries = [Entry(i.card, reasons=i.reasons) for i in feed.items]
    response = _response(feeds.Feed(
        "Paperwire: for you", "Recent papers ranked for you, each with why.",
        f"{base}/for-you", f"{base}/feeds/for-you/{token}", _items(entries, base)), fmt)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
