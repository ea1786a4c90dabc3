"""Signing in by magic link, signing out, your account page and public profiles.

The link in the email opens a page with one button: following a link (GET) never signs
anyone in by itself, so mail scanners that fetch links cannot use them up."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from ...community import accounts
from ...store.claims import claimed_papers
from ...store.collections import collections_of
from ...store.daily import ordered_cards
from ...store.submissions import submissions_by
from ...store.users import get_user, set_name
from ..people import current_user, require_user
from ..ratelimit import Limit, check, limited
from ..visitor import require_csrf, visitor_of

router = APIRouter(include_in_schema=False)
SENT = ("If that address can receive mail, a sign-in link is on its way. It works once, "
        "for {minutes} minutes.")


@router.get("/signin")
def signin_form(request: Request) -> Response:
    site = request.app.state.site
    return site.pages.render(request, "signin.html", {"message": None, "error": None,
                                                      "email": ""})


@router.post("/signin", dependencies=[Depends(require_csrf), Depends(limited("signin"))])
def signin_request(request: Request, email: str = Form("", max_length=400)) -> Response:
    site = request.app.state.site
    try:
        address = accounts.normalise_email(email)
    except accounts.InvalidEmail as exc:
        return site.pages.render(request, "signin.html", {"message": None, "error": str(exc),
                                                          "email": email}, status=422)
    # Also per address, so nobody can flood one inbox from many places.
    check(request, "signin_to", Limit.parse(site.config.rate_limit_signin),
          extra_key=f"email:{address}")
    accounts.request_link(site.db, site.config, address)
    return site.pages.render(request, "signin.html", {
        "message": SENT.format(minutes=site.config.signin_link_minutes), "error": None,
        "email": ""})


@router.get(accounts.SIGNIN_PATH)
def signin_link(request: Request, token: str = "") -> Response:
    site = request.app.state.site
    return site.pages.render(request, "signin_link.html", {"token": token[:200]})


@router.post(accounts.SIGNIN_PATH, dependencies=[Depends(require_csrf)])
def signin_complete(request: Request, token: str = Form("", max_length=400)) -> Response:
    site = request.app.state.site
    user = accounts.complete_sign_in(site.db, token)
    if user is None:
        return site.pages.render(request, "signin.html", {
            "message": None, "email": "",
            "error": "That sign-in link has expired or was already used. Ask for a new one."},
            status=400)
    visitor_of(request).sign_in(user.id)
    return RedirectResponse("/account", status_code=303)


@router.post("/signout", dependencies=[Depends(require_csrf)])
def signout(request: Request) -> Response:
    visitor_of(request).sign_out()
    return RedirectResponse("/", status_code=303)


@router.get("/account")
def account(request: Request) -> Response:
    user = current_user(request)
    if user is None:
        return RedirectResponse("/signin", status_code=303)
    site = request.app.state.site
    with site.db.read() as connection:
        collections = collections_of(connection, user.id)
        submissions = submissions_by(connection, user.id)
        claimed = ordered_cards(connection, claimed_papers(connection, user.id))
    return site.pages.render(request, "account.html", {
        "user": user, "collections": collections, "submissions": submissions,
        "claimed": claimed})


@router.get("/users/{user_id}")
def profile(request: Request, user_id: int) -> Response:
    site = request.app.state.site
    with site.db.read() as connection:
        person = get_user(connection, user_id) if 0 < user_id < 2**31 else None
        if person is None:
            raise HTTPException(404, "There is no such person here.")
        claimed = ordered_cards(connection, claimed_papers(connection, person.id))
        collections = collections_of(connection, person.id, public_only=True)
    return site.pages.render(request, "profile.html", {
        "person": person, "claimed": claimed, "collections": collections})



@router.post("/account/name", dependencies=[Depends(require_csrf)])
def rename(request: Request, name: str = Form(..., max_length=200),
           user=Depends(require_user)) -> Response:  # noqa: ANN001
    """The name others see on comments, submissions and the profile (by default the part
    of the address before the @)."""
    cleaned = " ".join("".join(c for c in name if c.isprintable()).split())
    if not 1 <= len(cleaned) <= 40:
        raise HTTPException(422, "A name has 1 to 40 characters.")
    with request.app.state.db.write() as connection:
        set_name(connection, user.id, cleaned)
    return RedirectResponse("/account", status_code=303)
