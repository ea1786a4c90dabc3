"""Errors as people and programs see them: a clear message and a 4xx, never a 500 for
bad input. Pages get an HTML page; /api, /feeds and other machine paths get JSON shaped
like FastAPI's own validation errors ({"detail": [{"loc", "msg", "type"}]})."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

log = logging.getLogger(__name__)
MACHINE_PREFIXES = ("/api/", "/feeds/", "/openapi.json", "/healthz", "/static/")


class BadParameter(Exception):
    """A query or path parameter that passed its type check but means nothing."""

    def __init__(self, name: str, message: str, where: str = "query"):
        super().__init__(message)
        self.name, self.message, self.where = name, message, where


def wants_json(request: Request) -> bool:
    return request.url.path.startswith(MACHINE_PREFIXES)


def _problems(exc: RequestValidationError) -> list[dict]:
    problems = []
    for error in exc.errors():
        problems.append({"loc": [str(part) for part in error.get("loc", ())],
                         "msg": str(error.get("msg", "invalid")), "type": error.get("type", "")})
    return problems


def _page(request: Request, status: int, title: str, messages: list[str],
          headers: dict[str, str] | None = None) -> Response:
    pages = request.app.state.site.pages
    return pages.render(request, "error.html", {"status": status, "title": title,
                                                "messages": messages},
                        status=status, headers={"Cache-Control": "no-store", **(headers or {})})


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = _problems(exc)
        if wants_json(request):
            return JSONResponse({"detail": problems}, status_code=422)
        messages = [f"{p['loc'][-1] if p['loc'] else 'request'}: {p['msg']}" for p in problems]
        return _page(request, 422, "That address has a bad parameter", messages)

    @app.exception_handler(BadParameter)
    async def bad_parameter(request: Request, exc: BadParameter) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": [{"loc": [exc.where, exc.name], "msg": exc.message,
                                             "type": "value_error"}]}, status_code=422)
        return _page(request, 422, "That address has a bad parameter",
                     [f"{exc.name}: {exc.message}"])

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        headers = dict(exc.headers or {})
        if wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                                headers=headers)
        if exc.status_code == 404:
            return _page(request, 404, "Not found",
                         [str(exc.detail) if exc.detail != "Not Found"
                          else f"There is no page at {request.url.path}."])
        return _page(request, exc.status_code, str(exc.detail), [], headers)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("error serving %s", request.url.path)
        if wants_json(request):
            return JSONResponse({"detail": "internal error"}, status_code=500)
        return _page(request, 500, "Something went wrong on our side",
                     ["The error is logged. Please try again later."])
