"""Sessions, CSRF and rate limits, through the real app and its middleware. The POST
route here stands in for the state-changing forms that use the same dependencies."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from paperwire.signing import signer_for
from paperwire.web.ratelimit import Limit, limited
from paperwire.web.visitor import COOKIE, CSRF_PLACEHOLDER, read_cookie, require_csrf, visitor_of

from .conftest import make_client


def _with_routes(client):  # noqa: ANN001, ANN202
    app = client.app

    @app.get("/_form")
    async def form(request: Request) -> HTMLResponse:
        return HTMLResponse(f'<form method="post"><input name="csrf" value="{CSRF_PLACEHOLDER}">'
                            "</form>")

    @app.post("/_change", dependencies=[Depends(limited("vote")), Depends(require_csrf)])
    async def change(request: Request) -> PlainTextResponse:
        return PlainTextResponse(f"changed by {visitor_of(request).user_id}")

    @app.post("/_sign_in", dependencies=[Depends(require_csrf)])
    async def sign_in(request: Request) -> PlainTextResponse:
        visitor_of(request).sign_in(42)
        return PlainTextResponse("in")
    return client


def _token(client) -> str:  # noqa: ANN001
    page = client.get("/_form").text
    return page.split('value="')[1].split('"')[0]


def test_every_visitor_gets_a_signed_http_only_cookie_and_a_token(papers_db) -> None:  # noqa: ANN001
    with make_client(papers_db) as client:
        _with_routes(client)
        first = client.get("/_form")
        cookie = first.headers["set-cookie"]
        assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # base_url is http here
        token = _token(client)
        assert token != CSRF_PLACEHOLDER and len(token) > 20
        assert first.headers["cache-control"].startswith("private")
        with make_client(papers_db) as other:
            _with_routes(other)
            assert _token(other) != token  # each visitor has their own


def test_posts_without_the_visitors_token_are_refused(papers_db) -> None:  # noqa: ANN001
    with make_client(papers_db) as client:
        _with_routes(client)
        token = _token(client)
        assert client.post("/_change", data={}).status_code == 403
        assert client.post("/_change", data={"csrf": "guess"}).status_code == 403
        assert client.post("/_change", data={"csrf": token}).text == "changed by None"
        assert client.post("/_change", headers={"X-CSRF-Token": token}).status_code == 200
        with make_client(papers_db) as attacker:
            _with_routes(attacker)
            assert attacker.post("/_change", data={"csrf": token}).status_code == 403


def test_a_forged_or_tampered_cookie_is_a_new_visitor(papers_db) -> None:  # noqa: ANN001
    with make_client(papers_db) as client:
        _with_routes(client)
        _token(client)
        client.post("/_sign_in", data={"csrf": _token(client)})
        signed = client.cookies[COOKIE]
        assert read_cookie(signer_for(client.app.state.config), signed).user_id == 42
        client.cookies.clear()
        client.cookies.set(COOKIE, signed[:-4] + "AAAA")
        assert client.post("/_change", data={"csrf": "x"}).status_code == 403
        assert "set-cookie" in client.get("/_form").headers
        assert client.post("/_change", data={"csrf": _token(client)}).text == "changed by None"


def test_signing_in_rotates_the_token(papers_db) -> None:  # noqa: ANN001
    with make_client(papers_db) as client:
        _with_routes(client)
        before = _token(client)
        client.post("/_sign_in", data={"csrf": before})
        assert client.post("/_change", data={"csrf": before}).status_code == 403
        assert client.post("/_change", data={"csrf": _token(client)}).text == "changed by 42"


def test_rate_limits_answer_429_with_retry_after(papers_db) -> None:  # noqa: ANN001
    with make_client(papers_db, rate_limit_vote="3/600") as client:
        _with_routes(client)
        token = _token(client)
        codes = [client.post("/_change", data={"csrf": token}).status_code for _ in range(5)]
        assert codes == [200, 200, 200, 429, 429]
        refused = client.post("/_change", data={"csrf": token})
        assert 0 < int(refused.headers["retry-after"]) <= 600
        assert "at most 3 every 10 minutes" in refused.text


def test_limits_parse_strictly() -> None:
    assert Limit.parse("5/600") == Limit(5, 600)
    for bad in ("5", "0/10", "5/0", "x/y"):
        try:
            Limit.parse(bad)
        except ValueError:
            continue
        raise AssertionError(bad)
