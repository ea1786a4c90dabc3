"""Conditional GET and a short-lived in-process cache of built responses.

Every page, API answer and feed carries a strong ETag (a hash of its body) and
Cache-Control; a request whose If-None-Match matches gets 304. A built 200 response is
reused for `web_cache_seconds`. When it runs out, one request rebuilds it in the background
while the others are still answered from the old copy (for at most as long again), and
requests that arrive while nothing is cached wait for the one build in flight rather than
each building the same page: a burst never builds a page more than once.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from time import monotonic

from fastapi import Request, Response
import anyio

from ..lists import parse_moment
from .visitor import signed_in

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
    built_at: float


class ResponseCache:
    """Built responses by address, and the worker threads that build them: a few threads
    build faster than many, which would only take turns holding the interpreter lock."""

    def __init__(self, seconds: float, build_threads: int = 4, max_entries: int = MAX_ENTRIES):
        self.seconds = seconds
        self.max_entries = max_entries
        self.build_threads = build_threads
        self._limiter: anyio.CapacityLimiter | None = None  # made in the event loop
        self._entries: OrderedDict[str, Built] = OrderedDict()
        self._building: dict[str, asyncio.Future] = {}

    async def run(self, build: Callable[[], Response]) -> Built:
        """Build in a worker thread, at most build_threads at a time."""
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.build_threads)
        return freeze(await anyio.to_thread.run_sync(build, limiter=self._limiter))

    def get(self, key: str) -> tuple[Built | None, bool]:
        """The cached entry (None when missing or too old to serve) and whether it is fresh."""
        entry = self._entries.get(key)
        if entry is None:
            return None, False
        age = monotonic() - entry.built_at
        if age > 2 * self.seconds:
            del self._entries[key]
            return None, False
        self._entries.move_to_end(key)
        return entry, age <= self.seconds

    def put(self, key: str, entry: Built) -> None:
        if self.seconds <= 0 or entry.status != 200 or len(entry.body) > MAX_BODY_BYTES:
            return
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def build(self, key: str, build: Callable[[], Response]) -> asyncio.Future:
        """The build of `key` in flight, starting it if there is none."""
        future = self._building.get(key)
        if future is None:
            future = asyncio.ensure_future(self._build(key, build))
            self._building[key] = future
            future.add_done_callback(lambda done: self._finished(key, done))
        return future

    async def _build(self, key: str, build: Callable[[], Response]) -> Built:
        entry = await self.run(build)
        self.put(key, entry)
        return entry

    def _finished(self, key: str, future: asyncio.Future) -> None:
        self._building.pop(key, None)
        if not future.cancelled() and future.exception() is not None:
            self._entries.pop(key, None)  # an error is never served from a stale copy

    def clear(self) -> None:
        self._entries.clear()


def freeze(response: Response) -> Built:
    body = bytes(response.body)
    headers = {k: v for k, v in response.headers.items() if k in _KEPT_HEADERS}
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    media_type = response.headers.get("content-type", "application/octet-stream")
    return Built(response.status_code, body, media_type, headers, etag, monotonic())


async def respond(request: Request, build: Callable[[], Response]) -> Response:
    """The response for this GET: cached, or built once (in a worker thread)."""
    site = request.app.state.site
    cache: ResponseCache = site.cache
    if signed_in(request):  # a signed-in page is nobody else's
        response = conditional(request, await cache.run(build), site.max_age)
        response.headers["Cache-Control"] = "private, no-cache"
        return response
    if cache.seconds <= 0:
        return conditional(request, await cache.run(build), site.max_age)
    key = request.url.path + "?" + request.url.query
    entry, fresh = cache.get(key)
    if not fresh:
        future = cache.build(key, build)
        if entry is None:
            entry = await asyncio.shield(future)
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
