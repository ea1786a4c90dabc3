"""Subscribing to the email digest without an account: the subscribe form, the signed
confirm / preferences / unsubscribe pages, RFC 8058 one-click unsubscribe, and the log of
delivery runs.

GET never changes anything: a link from an email shows a page with a button, and the
button POSTs with the visitor's CSRF token. The one exception to CSRF is the one-click
POST that mail clients make: the signed token in its address is the authority there.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from ...digest.preferences import FREQUENCIES, WEEKDAYS, PreferenceError, Preferences, parse
from ...mail import DeliveryFailure, InvalidAddress
from ...signing import InvalidToken, signer_for
from ...store import digest_runs, digests
from ...store import subscribers as store
from ... import subscriptions
from ..ratelimit import limited
from ..visitor import require_csrf

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store"}
MAX_EMAIL_FIELD = 320


def _render(request: Request, name: str, context: dict, status: int = 200) -> HTMLResponse:
    return request.app.state.site.pages.render(request, f"subscriptions/{name}", context,
                                               status=status, headers=NO_STORE)


def _bad_link(request: Request, error: InvalidToken) -> HTMLResponse:
    return _render(request, "bad_link.html", {"problem": str(error)}, status=400)


def _subscriber(request: Request, purpose: str, token: str | None) -> store.Subscriber:
    return subscriptions.resolve_link(request.app.state.db, request.app.state.config, purpose,
                                      token)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


@router.get("/subscribe")
async def subscribe_page(request: Request, email: str = "") -> Response:
    visitor = request.scope.get("paperwire.visitor")
    if not email and visitor is not None and visitor.user_id is not None:
        from ...store.users import get_user  # a signed-in reader: their own address
        with request.app.state.db.read() as connection:
            user = get_user(connection, visitor.user_id)
        email = user.email if user else ""
    return _render(request, "subscribe.html", {"email": email[:MAX_EMAIL_FIELD], "problem": None})


@router.post("/subscribe", dependencies=[Depends(require_csrf), Depends(limited("subscribe"))])
async def subscribe_post(request: Request) -> Response:
    form = await _form(request)
    email = form.get("email", "")[:MAX_EMAIL_FIELD + 1]
    app = request.app.state
    try:
        subscriptions.subscribe(app.db, app.config, email)
    except InvalidAddress as exc:
        return _render(request, "subscribe.html", {"email": email[:MAX_EMAIL_FIELD],
                                                    "problem": str(exc)}, status=422)
    except DeliveryFailure:
        log.exception("confirmation email failed")
        return _render(request, "subscribe.html", {
            "email": email, "problem": "We could not send the confirmation email just now. "
                                       "Please try again in a few minutes."}, status=503)
    # The same answer whether the address was new, pending or already subscribed.
    return _render(request, "check_inbox.html", {})


@router.get("/subscribe/confirm")
async def confirm_page(request: Request, token: str = "") -> Response:
    try:
        subscriber = _subscriber(request, subscriptions.CONFIRM, token)
    except InvalidToken as exc:
        return _bad_link(request, exc)
    return _render(request, "confirm.html", {"token": token, "email": subscriber.email})


@router.post("/subscribe/confirm", dependencies=[Depends(require_csrf)])
async def confirm_post(request: Request) -> Response:
    token = (await _form(request)).get("token", "")
    app = request.app.state
    try:
        subscriber = subscriptions.confirm(app.db, app.config, token)
    except InvalidToken as exc:
        return _bad_link(request, exc)
    links = subscriptions.links_for(app.config, signer_for(app.config), subscriber.id,
                                    subscriber.email)
    return _render(request, "confirmed.html", {"email": subscriber.email,
                                               "preferences": links.preferences})


def _preferences_context(subscriber: store.Subscriber, token: str,
                         preferences: Preferences, **extra) -> dict:  # noqa: ANN003
    from ...digest.preferences import _zones

    return {"email": subscriber.email, "status": subscriber.status, "token": token,
            "p": preferences, "frequencies": FREQUENCIES, "weekdays": WEEKDAYS,
            "zones": sorted(_zones()), "problem": None, "saved": False, **extra}


@router.get("/subscription")
async def preferences_page(request: Request, token: str = "") -> Response:
    try:
        subscriber = _subscriber(request, subscriptions.MANAGE, token)
    except InvalidToken as exc:
        return _bad_link(request, exc)
    with request.app.state.db.read() as connection:
        history = digests.for_subscriber(connection, subscriber.id, 10)
    return _render(request, "preferences.html", _preferences_context(
        subscriber, token, Preferences.from_json(subscriber.preferences), history=history))


@router.post("/subscription", dependencies=[Depends(require_csrf)])
async def preferences_post(request: Request) -> Response:
    form = await _form(request)
    token = form.get("token", "")
    try:
        subscriber = _subscriber(request, subscriptions.MANAGE, token)
    except InvalidToken as exc:
        return _bad_link(request, exc)
    current = Preferences.from_json(subscriber.preferences)
    fields = {name: form.get(name) for name in ("frequency", "weekday", "hour", "timezone",
                                                "categories", "keywords", "interests", "count")}
    try:
        chosen = parse({k: (v[:5000] if isinstance(v, str) else v) for k, v in fields.items()},
                       current)
    except PreferenceError as exc:
        return _render(request, "preferences.html", _preferences_context(
            subscriber, token, current, problem=str(exc), history=[]), status=422)
    subscriptions.save_preferences(request.app.state.db, subscriber, chosen,
                                   resume=form.get("resume") == "1")
    with request.app.state.db.read() as connection:
        subscriber = store.by_id(connection, subscriber.id) or subscriber
    return _render(request, "preferences.html", _preferences_context(
        subscriber, token, chosen, saved=True, history=[]))


@router.get("/unsubscribe")
@router.get("/unsubscribe/one-click")
async def unsubscribe_page(request: Request, token: str = "") -> Response:
    try:
        subscriber = _subscriber(request, subscriptions.UNSUBSCRIBE, token)
    except InvalidToken as exc:
        return _bad_link(request, exc)
    return _render(request, "unsubscribe.html", {"token": token, "email": subscriber.email,
                                                 "done": False})


@router.post("/unsubscribe", dependencies=[Depends(require_csrf)])
async def unsubscribe_post(request: Request) -> Response:
    token = (await _form(request)).get("token", "")
    app = request.app.state
    try:
        subscriber, _ = subscriptions.unsubscribe_by_token(app.db, app.config, token)
    except InvalidToken as exc:
        return _bad_link(request, exc)
    return _render(request, "unsubscribe.html", {"token": token, "email": subscriber.email,
                                                 "done": True})


@router.post("/unsubscribe/one-click")
async def one_click(request: Request, token: str = "") -> Response:
    """RFC 8058: the mail client POSTs List-Unsubscribe=One-Click to the address in the
    List-Unsubscribe header; no cookie, no CSRF token, the signed token decides."""
    app = request.app.state
    try:
        subscriptions.unsubscribe_by_token(app.db, app.config, token)
    except InvalidToken as exc:
        # 403 like any other POST without its authority (here the token, not CSRF).
        return PlainTextResponse(f"Not unsubscribed: {exc}.", status_code=403, headers=NO_STORE)
    return PlainTextResponse("Unsubscribed: no more digests will be sent to this address.",
                             headers=NO_STORE)


@router.get("/digests")
async def runs_page(request: Request) -> Response:
    db = request.app.state.db
    with db.read() as connection:
        runs = digest_runs.latest(connection, 30)
        counts = store.counts(connection)
    return _render(request, "runs.html", {"runs": runs, "counts": counts})
