"""Who is signed in, for views: the user behind the session cookie, and the dependencies
that let only signed-in people (or admins) through."""

from __future__ import annotations

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse

from ..store.users import User, get_user
from .visitor import visitor_of


def current_user(request: Request) -> User | None:
    """The signed-in user (looked up once per request), or None."""
    if "paperwire.user" not in request.scope:
        visitor = request.scope.get("paperwire.visitor")
        user = None
        if visitor is not None and visitor.user_id is not None:
            with request.app.state.db.read() as connection:
                user = get_user(connection, visitor.user_id)
            if user is None:  # the account is gone: the cookie signs in nobody
                visitor.sign_out()
        request.scope["paperwire.user"] = user
    return request.scope["paperwire.user"]


def require_user(request: Request) -> User:
    user = current_user(request)
    if user is None:
        raise HTTPException(403, "Please sign in first.")
    return user


def require_admin(request: Request) -> User:
    user = current_user(request)
    if user is None or not user.is_admin:
        raise HTTPException(403, "Only admins can do that.")
    return user


def local_path(raw: object, default: str = "/") -> str:
    """A redirect target from a form: only a path on this site."""
    if isinstance(raw, str) and raw.startswith("/") and not raw.startswith(("//", "/\\")) \
            and len(raw) < 2000 and not any(c in raw for c in "\r\n\t"):
        return raw
    return default


def back(request: Request, form, default: str = "/") -> RedirectResponse:  # noqa: ANN001
    """303 to where the form came from (its `next` field)."""
    return RedirectResponse(local_path(form.get("next"), default), status_code=303)


def signed_in_user_id(request: Request) -> int | None:
    return visitor_of(request).user_id
