"""A real HTTP server on 127.0.0.1 that answers from recordings and logs every request,
so harvesters are tested over real sockets without reaching the internet."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

TESTDATA = Path(__file__).parent / "testdata"
FORMATS_TESTDATA = Path(__file__).parents[1] / "formats" / "testdata"
Handler = Callable[[Request], Response]


@dataclass
class Hit:
    path: str
    args: dict[str, str]
    headers: dict[str, str]
    at: float  # time.monotonic() when the request arrived


class Replay:
    def __init__(self) -> None:
        self.server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
        self.routes: dict[str, Handler] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self.server.expect_request(re.compile(".*")).respond_with_handler(self._dispatch)

    def start(self) -> Replay:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.clear()
        if self.server.is_running():
            self.server.stop()

    def url(self, path: str) -> str:
        return self.server.url_for(path)

    def on(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def hits_to(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path == path]

    def _dispatch(self, request: Request) -> Response:
        with self._lock:
            self.hits.append(Hit(request.path, dict(request.args), dict(request.headers),
                                 time.monotonic()))
        handler = self.routes.get(request.path)
        if handler is None:
            return Response("no recording for this path", status=404)
        return handler(request)


def xml_file(path: Path, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(path.read_bytes(), status=status, headers=headers,
                    content_type="text/xml; charset=utf-8")


def recording(path: Path, **fill: str) -> Response:
    """A {"status_code", "headers", "body"} recording; {name} in header values is filled."""
    data = json.loads(path.read_text())
    headers = {k: v.format(**fill) if fill else v for k, v in (data.get("headers") or {}).items()}
    content_type = headers.pop("Content-Type", "application/xml")
    return Response(data["body"], status=data["status_code"], headers=headers,
                    content_type=content_type)


class Script:
    """Answers for one path, by a key of the request (e.g. its resumption token): queued
    answers first, in order, then the default for that key."""

    def __init__(self, key: Callable[[Request], object], defaults: dict[object, Callable[[], Response]]):
        self.key, self.defaults = key, defaults
        self.queued: dict[object, list[Callable[[], Response]]] = {}

    def queue(self, key: object, *answers: Callable[[], Response]) -> None:
        self.queued.setdefault(key, []).extend(answers)

    def __call__(self, request: Request) -> Response:
        key = self.key(request)
        if self.queued.get(key):
            return self.queued[key].pop(0)()
        if key not in self.defaults:
            return Response(f"no recording for {key!r}", status=404)
        return self.defaults[key]()


OAI_PAGES = {None: "page1.xml", "6960524|5": "page2.xml", "6960524|9": "page3.xml"}


def harvest_env(cli_env: dict[str, str], replay: Replay, db_url: str) -> dict[str, str]:
    """A `paperwire harvest arxiv` process's environment: the replayed OAI-PMH service."""
    return {**cli_env, "PAPERWIRE_DATABASE_URL": db_url, "PAPERWIRE_ARXIV_SETS": "physics",
            "PAPERWIRE_ARXIV_OAI_URL": replay.url("/oai"),
            "PAPERWIRE_ARXIV_REQUEST_INTERVAL": "0"}


def oai_script() -> Script:
    """arXiv's OAI-PMH, replayed: the first request gets page 1, each token its page."""
    def page(name: str) -> Callable[[], Response]:
        return lambda: xml_file(TESTDATA / "oai" / name)
    return Script(lambda request: request.args.get("resumptionToken"),
                  {token: page(name) for token, name in OAI_PAGES.items()})
