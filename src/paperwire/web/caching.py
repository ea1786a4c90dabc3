"""Conditional GET and a short-lived in-process cache of built responses.

Every page, API answer and feed carries a strong ETag (a hash of its body) and
Cache-Control; a request whose If-None-Match matches gets 304. A built 200 response is kept
for `web_cache_seconds`, so a burst of requests for the same address builds it once; data
imported meanwhile shows up when that time runs out.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from ..lists import parse_moment

MAX_ENTRIES = 2048
MAX_BODY_BYTES = 4_000_000
_KEPT_HEADERS = ("last-modified", "link", "x-total-count", "x-search-mode", "location")


@dataclass
class Built:
    status: int
    body: bytes
    media_type: str
    headers: dict[str, str]
    etag: str
    expires: float


class ResponseCache:
    def __init__(self, seconds: float, max_entries: int = MAX_ENTRIES):
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[str, Built] = OrderedDict()

    def get(self, key: str) -> Built | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires < time.monotonic():
            self._entries.pop(key, None)
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, key: str, entry: Built) -> None:
        if self.seconds <= 0 or entry.status != 200 or len(entry.body) > MAX_BODY_BYTES:
            return
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


def freeze(response: Response, seconds: float) -> Built:
    body = bytes(response.body)
    headers = {k: v for k, v in response.headers.items() if k in _KEPT_HEADERS}
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    media_type = response.headers.get("content-type", "application/octet-stream")
    return Built(response.status_code, body, media_type, headers, etag,
                 time.monotonic() + seconds)


async def respond(request: Request, build: Callable[[], Response]) -> Response:
    """The response for this GET, from the cache or built (in a worker thread)."""
    site = request.app.state.site
    key = request.url.path + "?" + request.url.query
    entry = site.cache.get(key)
    if entry is None:
        entry = freeze(await run_in_threadpool(build), site.cache.seconds)
        site.cache.put(key, entry)
    return conditional(request, entry, site.max_age)


def conditional(request: Request, entry: Built, max_age: float) -> Response:
    headers = dict(entry.headers)
    headers["ETag"] = entry.etag
    headers["Cache-Control"] = (f"public, max-age={int(max_age)}" if entry.status == 200
                                else "no-cache")
    if entry.status == 200 and _not_modified(request, entry):
        return Response(status_code=304, headers=headers)
    return Response(entry.body, status_code=entry.status, headers=headers,
                    media_type=entry.media_type)


def _not_modified(request: Request, entry: Built) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or entry.etag in tags
    since, modified = request.headers.get("if-modified-since"), entry.headers.get("last-modified")
    if since and modified:
        try:
            return parsedate_to_datetime(modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def last_modified(stored_timestamp: str) -> str:
    """A stored ISO timestamp as an HTTP date, for Last-Modified."""
    return format_datetime(parse_moment(stored_timestamp), usegmt=True)
