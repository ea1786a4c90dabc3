"""The response cache: a burst builds a page once, an expired page is rebuilt once in the
background while the old copy is served, errors are never cached, and 304s."""

from __future__ import annotations

import asyncio
import threading
import time
from types import SimpleNamespace

import pytest
from fastapi import HTTPException
from fastapi.responses import Response
from starlette.requests import Request

from paperwire.web import caching


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(caching, "monotonic", fake)
    return fake


def request(cache: caching.ResponseCache, path: str = "/x",
            headers: list | None = None) -> Request:
    app = SimpleNamespace(state=SimpleNamespace(site=SimpleNamespace(cache=cache, max_age=60)))
    return Request({"type": "http", "method": "GET", "path": path, "query_string": b"",
                    "headers": headers or [], "app": app})


class Builder:
    def __init__(self) -> None:
        self.builds = 0
        self.lock = threading.Lock()
        self.fail = False

    def __call__(self) -> Response:
        with self.lock:
            self.builds += 1
            number = self.builds
        time.sleep(0.05)
        if self.fail:
            raise HTTPException(404, "gone")
        return Response(f"build {number}", media_type="text/plain")


def test_a_burst_builds_once_and_an_expired_page_is_rebuilt_once(clock: Clock) -> None:
    cache, builder = caching.ResponseCache(5), Builder()

    async def scenario() -> None:
        answers = await asyncio.gather(*(caching.respond(request(cache), builder)
                                         for _ in range(20)))
        assert builder.builds == 1 and {a.body for a in answers} == {b"build 1"}
        clock.now += 6  # expired, but young enough to serve while rebuilding
        stale = await asyncio.gather(*(caching.respond(request(cache), builder)
                                       for _ in range(10)))
        assert {a.body for a in stale} == {b"build 1"}
        await asyncio.sleep(0.2)  # the one background rebuild finishes
        assert builder.builds == 2
        assert (await caching.respond(request(cache), builder)).body == b"build 2"
        clock.now += 11  # too old to serve at all: wait for a fresh build
        assert (await caching.respond(request(cache), builder)).body == b"build 3"

    asyncio.run(scenario())


def test_errors_are_not_cached_and_a_failed_rebuild_drops_the_old_copy(clock: Clock) -> None:
    cache, builder = caching.ResponseCache(5), Builder()

    async def scenario() -> None:
        await caching.respond(request(cache), builder)
        builder.fail = True
        clock.now += 6
        await caching.respond(request(cache), builder)  # stale copy, rebuild fails behind it
        await asyncio.sleep(0.2)
        with pytest.raises(HTTPException):
            await caching.respond(request(cache), builder)

    asyncio.run(scenario())


def test_no_caching_when_disabled_and_conditional_requests(clock: Clock) -> None:
    cache, builder = caching.ResponseCache(0), Builder()

    async def scenario() -> None:
        first = await caching.respond(request(cache), builder)
        second = await caching.respond(request(cache), builder)
        assert builder.builds == 2 and first.body != second.body
        etag = second.headers["etag"]
        builder.builds = 1  # the next build has the same body as `second`
        again = await caching.respond(request(cache, headers=[(b"if-none-match", etag.encode())]),
                                      builder)
        assert again.status_code == 304 and again.headers["etag"] == etag
        star = await caching.respond(request(cache, headers=[(b"if-none-match", b"*")]), builder)
        assert star.status_code == 304

    asyncio.run(scenario())


def test_the_cache_is_bounded() -> None:
    cache = caching.ResponseCache(5, max_entries=3)
    for number in range(5):
        cache.put(f"/{number}", caching.freeze(Response(str(number))))
    assert [cache.get(f"/{n}")[0] is not None for n in range(5)] == [False, False, True, True, True]
    cache.put("/big", caching.freeze(Response(b"x" * (caching.MAX_BODY_BYTES + 1))))
    assert cache.get("/big")[0] is None
