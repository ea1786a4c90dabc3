"""Collections: named lists of papers, private or public. A public one has a page and a
feed (RSS, Atom, JSON Feed); a private one is seen by its owner only (404 to others).
Only the owner changes or deletes one."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from ... import feeds
from ...community.clock import stamp
from ...lists import Entry
from ...store.collections import (
    Collection, add_item, create_collection, delete_collection, get_collection, items,
    remove_item, set_public,
)
from ...store.daily import ordered_cards
from ...store.papers import get_paper
from .. import params
from ..people import back, current_user, require_user
from ..visitor import require_csrf
from .feeds import FEED_RESPONSES, _items, _response

router = APIRouter(include_in_schema=False)
MAX_ID = 2**31 - 1  # collections.id is a 32-bit integer on PostgreSQL
NO_SUCH = "There is no such collection (or it is private)."


def _lookup(connection, collection_id: int) -> Collection | None:  # noqa: ANN001
    return get_collection(connection, collection_id) if 0 < collection_id <= MAX_ID else None


def _visible(request: Request, collection_id: int) -> tuple[Collection, list]:
    user = current_user(request)
    with request.app.state.db.read() as connection:
        collection = _lookup(connection, collection_id)
        if collection is None or not (collection.is_public or
                                      (user is not None and user.id == collection.user_id)):
            raise HTTPException(404, NO_SUCH)
        cards = ordered_cards(connection, [paper for paper, _ in items(connection, collection.id)])
    return collection, cards


@router.get("/collections/{collection_id}")
def collection_page(request: Request, collection_id: int) -> Response:
    collection, cards = _visible(request, collection_id)
    user = current_user(request)
    return request.app.state.site.pages.render(request, "collection.html", {
        "collection": collection, "entries": [Entry(card) for card in cards],
        "owner": user is not None and user.id == collection.user_id})


@router.get("/feeds/collection/{collection_id}.{fmt}", responses=FEED_RESPONSES,
            response_class=Response)
def collection_feed(request: Request, collection_id: int, fmt: params.FeedFormat) -> Response:
    collection, cards = _visible(request, collection_id)
    if not collection.is_public:
        raise HTTPException(404, NO_SUCH)
    base = request.app.state.site.base_url
    return _response(feeds.Feed(
        f"Paperwire: {collection.name} ({collection.owner})",
        f"Papers in {collection.owner}'s collection “{collection.name}”.",
        f"{base}/collections/{collection.id}", f"{base}/feeds/collection/{collection.id}",
        _items([Entry(card) for card in cards], base)), fmt)


@router.post("/collections", dependencies=[Depends(require_csrf)])
def create(request: Request, name: str = Form(..., min_length=1, max_length=100),
           public: bool = Form(False), paper: str = Form("", max_length=300),
           next: str = Form("", max_length=2000),
           user=Depends(require_user)) -> Response:  # noqa: A002, ANN001
    name = " ".join(name.split())
    if not name:
        raise HTTPException(422, "A collection needs a name.")
    with request.app.state.db.write() as connection:
        collection = create_collection(connection, user.id, name, public, stamp())
        if paper and get_paper(connection, paper) is not None:
            add_item(connection, collection.id, paper, stamp())
    return back(request, {"next": next}, f"/collections/{collection.id}")


def _own(connection, collection_id: int, user) -> Collection:  # noqa: ANN001
    collection = _lookup(connection, collection_id)
    if collection is None:
        raise HTTPException(404, NO_SUCH)
    if collection.user_id != user.id:
        raise HTTPException(403, "That is not your collection.")
    return collection


@router.post("/collections/{collection_id}/items", dependencies=[Depends(require_csrf)])
def add(request: Request, collection_id: int, paper: str = Form(..., max_length=300),
        remove: bool = Form(False), next: str = Form("", max_length=2000),
        user=Depends(require_user)) -> Response:  # noqa: A002, ANN001
    with request.app.state.db.write() as connection:
        _own(connection, collection_id, user)
        if remove:
            remove_item(connection, collection_id, paper)
        elif get_paper(connection, paper) is None:
            raise HTTPException(404, f"We have no paper {paper!r}.")
        else:
            add_item(connection, collection_id, paper, stamp())
    return back(request, {"next": next}, f"/collections/{collection_id}")


@router.post("/collections/{collection_id}/visibility", dependencies=[Depends(require_csrf)])
def visibility(request: Request, collection_id: int, public: bool = Form(False),
               user=Depends(require_user)) -> Response:  # noqa: ANN001
    with request.app.state.db.write() as connection:
        _own(connection, collection_id, user)
        set_public(connection, collection_id, user.id, public)
    return back(request, {}, f"/collections/{collection_id}")


@router.post("/collections/{collection_id}/delete", dependencies=[Depends(require_csrf)])
def delete(request: Request, collection_id: int, confirm: str = Form("", max_length=10),
           user=Depends(require_user)) -> Response:  # noqa: ANN001
    """The page's second button sends confirm=yes: a POST without it deletes nothing."""
    with request.app.state.db.write() as connection:
        _own(connection, collection_id, user)
        if confirm != "yes":
            raise HTTPException(422, "Press “Yes, delete it” to confirm the deletion.")
        delete_collection(connection, collection_id, user.id)
    return RedirectResponse("/account#collections", status_code=303)
