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
from ..author_keys import author_key
from ..lists import parse_moment
from ..rank.trending import compact
from .visitor import CSRF_PLACEHOLDER

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


def paper_url(paper_id: str) -> str:
    return "/papers/" + quote(paper_id, safe="/:")


def author_url(name: str) -> str:
    """An author page's address: every character that is not a plain letter or digit is
    escaped, so a name with "/" or "?" stays one path segment."""
    return "/authors/" + quote(name, safe="")


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


def author_line(names: list[str], shown: int = 4, current: str | None = None
                ) -> tuple[list[tuple[str, bool, bool]], int]:
    """The names a list shows as (name, is it the author whose page this is (key
    `current`), are names skipped before it), and how many are left out. That author is
    shown even when they stand past the first `shown`."""
    picked = list(range(min(shown, len(names))))
    if current:
        mine = next((i for i, n in enumerate(names) if author_key(n) == current), None)
        if mine is not None and mine >= shown:
            picked.append(mine)
    items = [(names[i], bool(current) and author_key(names[i]) == current,
              n > 0 and i != picked[n - 1] + 1) for n, i in enumerate(picked)]
    return items, len(names) - len(picked)


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
            site_name=site_name, paper_url=paper_url, author_url=author_url,
            author_line=author_line,
            with_query=with_query,
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
