"""Who is asking: a signed session cookie for every visitor (HttpOnly, SameSite=Lax),
carrying an optional signed-in user and the visitor's CSRF secret.

Every state change is a POST whose form field `csrf` (or header X-CSRF-Token) must equal
the secret in the visitor's cookie; `require_csrf` checks it. Cached pages are shared
between visitors, so templates write a placeholder (`csrf_token()`), and this middleware
puts the visitor's own token in its place on the way out, marking such answers private.
Pages for signed-in visitors are never taken from the shared cache (see caching.respond).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from fastapi import HTTPException, Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..signing import InvalidToken, Signer

COOKIE = "pw_session"
COOKIE_MAX_AGE = 30 * 24 * 3600
CSRF_PLACEHOLDER = "__PW_CSRF_TOKEN__"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
_PURPOSE = "session"


@dataclass
class Visitor:
    csrf: str
    user_id: int | None = None
    changed: bool = False  # the cookie must be (re)sent
    new: bool = False  # no valid cookie came: send one once a page shows this token
    extra: dict = field(default_factory=dict)

    def sign_in(self, user_id: int) -> None:
        """A new CSRF secret too: a token seen before signing in is worth nothing after."""
        self.user_id, self.csrf, self.changed = user_id, secrets.token_urlsafe(24), True

    def sign_out(self) -> None:
        self.user_id, self.csrf, self.changed = None, secrets.token_urlsafe(24), True


def visitor_of(request: Request) -> Visitor:
    return request.scope["paperwire.visitor"]


def signed_in(request: Request) -> bool:
    visitor = request.scope.get("paperwire.visitor")
    return visitor is not None and visitor.user_id is not None


def read_cookie(signer: Signer, raw: str | None) -> Visitor | None:
    if not raw:
        return None
    try:
        data = signer.verify(_PURPOSE, raw, max_age=COOKIE_MAX_AGE)
    except InvalidToken:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), str):
        return None
    user = data.get("u")
    return Visitor(csrf=data["c"], user_id=user if isinstance(user, int) else None)


class VisitorMiddleware:
    def __init__(self, app: ASGIApp, signer: Signer, secure: bool):
        self.app = app
        self.signer = signer
        self.secure = secure

    def _cookie_header(self, visitor: Visitor) -> str:
        value = self.signer.sign(_PURPOSE, {"c": visitor.csrf, "u": visitor.user_id})
        parts = [f"{COOKIE}={value}", "Path=/", f"Max-Age={COOKIE_MAX_AGE}", "HttpOnly",
                 "SameSite=Lax"]
        if self.secure:
            parts.append("Secure")
        return "; ".join(parts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        cookies = SimpleCookie()
        for name, value in scope.get("headers", ()):
            if name == b"cookie":
                try:
                    cookies.load(value.decode("latin-1"))
                except Exception:  # a malformed Cookie header is a visitor without one
                    pass
        raw = cookies[COOKIE].value if COOKIE in cookies else None
        visitor = read_cookie(self.signer, raw) or Visitor(secrets.token_urlsafe(24), new=True)
        scope["paperwire.visitor"] = visitor
        token = visitor.csrf.encode()
        pending: list[Message] = []

        async def send_with_visitor(message: Message) -> None:
            if message["type"] == "http.response.start":
                pending.append(message)
                return
            if message["type"] == "http.response.body" and pending:
                start = pending.pop()
                headers = MutableHeaders(scope=start)
                body = message.get("body", b"")
                shows_token = _PLACEHOLDER_BYTES in body
                if shows_token:
                    body = body.replace(_PLACEHOLDER_BYTES, token)
                    message = {**message, "body": body}
                    headers["content-length"] = str(len(body))
                    headers["cache-control"] = "private, no-cache"
                    if "etag" in headers:  # one visitor's copy differs from another's
                        headers["etag"] = headers["etag"][:-1] + "-" + _short(token) + '"'
                if visitor.changed or (visitor.new and shows_token):
                    headers.append("set-cookie", self._cookie_header(visitor))
                    headers["cache-control"] = "private, no-cache"
                await send(start)
            await send(message)

        await self.app(scope, receive, send_with_visitor)


def _short(token: bytes) -> str:
    return hmac.new(b"etag", token, "sha256").hexdigest()[:8]


async def require_csrf(request: Request) -> None:
    """Dependency for every state-changing route: 403 unless the form (or header) carries
    this visitor's token. Reads the form, which FastAPI caches for the route."""
    visitor = visitor_of(request)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), visitor.csrf.encode()):
        raise HTTPException(403, "This form has expired or did not come from this site. "
                                 "Go back, reload the page and try again.")
