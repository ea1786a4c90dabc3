"""Server-rendered pages: the Jinja2 environment, its filters, and rendering a template."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from .. import latex
from ..lists import parse_moment
from ..rank.trending import compact
from .visitor import CSRF_PLACEHOLDER

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


def paper_url(paper_id: str) -> str:
    return "/papers/" + quote(paper_id, safe="/:")


def with_query(path: str, **params: Any) -> str:
    """`path` with the given query parameters, leaving out those that are None or empty."""
    kept = {k: v for k, v in params.items() if v is not None and v != "" and v != []}
    return path + ("?" + urlencode(kept, doseq=True) if kept else "")


def day_label(value: str | date | None) -> str:
    if not value:
        return ""
    day = value if isinstance(value, date) else parse_moment(str(value)).date()
    return f"{day:%-d %b %Y}"


def author_list(authors: list[str], shown: int = 4) -> str:
    if len(authors) <= shown:
        return ", ".join(authors)
    return ", ".join(authors[:shown]) + f" and {len(authors) - shown} more"


def _static_version() -> str:
    digest = hashlib.blake2b(digest_size=6)
    for path in sorted(STATIC_DIR.iterdir()):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


class Pages:
    def __init__(self, site_name: str = "Paperwire"):
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
            autoescape=True, trim_blocks=True, lstrip_blocks=True,
            undefined=jinja2.StrictUndefined, auto_reload=False)
        version = _static_version()
        self.env.globals.update(
            site_name=site_name, paper_url=paper_url, with_query=with_query,
            static=lambda name: f"/static/{name}?v={version}",
            csrf_token=lambda: CSRF_PLACEHOLDER)
        self.env.filters.update(
            math=latex.render, snippet=latex.snippet, compact=compact, day=day_label,
            authors=author_list)

    def render(self, request: Request, name: str, context: dict[str, Any], *,
               status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
        html = self.env.get_template(name).render(request=request, path=request.url.path,
                                                  visitor=request.scope.get("paperwire.visitor"), **context)
        return HTMLResponse(html, status_code=status, headers=headers)
