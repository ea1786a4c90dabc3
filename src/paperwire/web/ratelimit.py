"""Rate limits on every public form: a FastAPI dependency per action, counting hits per
visitor (the signed-in user, else the client address) in shared database windows."""

from __future__ import annotations

import time
from dataclasses import dataclass

from fastapi import HTTPException, Request

from ..store.rate_limits import forget_before, hit
from .visitor import visitor_of


@dataclass(frozen=True)
class Limit:
    hits: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Limit:
        """'5/600' -> at most 5 hits per 600 seconds."""
        count, _, seconds = str(text).partition("/")
        limit = cls(int(count), int(seconds))
        if limit.hits < 1 or limit.seconds < 1:
            raise ValueError(f"expected HITS/SECONDS with both at least 1, got {text!r}")
        return limit


def client_address(request: Request) -> str:
    config = request.app.state.config
    if config.trust_forwarded_for:
        forwarded = request.headers.get("x-forwarded-for", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return request.client.host if request.client else "unknown"


def check(request: Request, action: str, limit: Limit, *, extra_key: str | None = None) -> None:
    """Count this request against `action`'s limit; 429 with Retry-After when over."""
    visitor = visitor_of(request)
    who = f"user:{visitor.user_id}" if visitor.user_id else f"ip:{client_address(request)}"
    now = int(time.time())
    start = now - now % limit.seconds
    keys = [f"{action}:{who}"] + ([f"{action}:{extra_key}"] if extra_key else [])
    db = request.app.state.db
    with db.write() as connection:
        counts = [hit(connection, key, start) for key in keys]
        if now % 97 == 0:  # now and then, drop windows long gone
            forget_before(connection, start - 86_400)
    if max(counts) > limit.hits:
        raise HTTPException(429, f"Too many requests: at most {limit.hits} every "
                                 f"{_duration(limit.seconds)}. Please wait and try again.",
                            headers={"Retry-After": str(start + limit.seconds - now)})


def limited(action: str):  # noqa: ANN201 - a FastAPI dependency
    """Dependency: the limit comes from the `rate_limit_<action>` setting."""
    def dependency(request: Request) -> None:
        check(request, action, Limit.parse(getattr(request.app.state.config,
                                                   f"rate_limit_{action}")))
    return dependency


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600} hour{'s' if seconds != 3600 else ''}"
    if seconds % 60 == 0:
        return f"{seconds // 60} minutes"
    return f"{seconds} seconds"
