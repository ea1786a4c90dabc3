"""Reading query and path parameters strictly: each bad value becomes a 422 that names the
parameter and says what was expected."""

from __future__ import annotations

import re
from typing import Literal

from fastapi import Query

from .. import ids
from ..periods import Period, PeriodError, parse_period
from .errors import BadParameter

MAX_PAGE = 10_000
MAX_TEXT = 300
# No control characters: PostgreSQL refuses NUL in text, and none belongs in a query.
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
Sort = Literal["trending", "publishedAt"]
Window = Literal["day", "week", "month"]
FeedFormat = Literal["xml", "atom", "json"]
_TITLE_KEY = re.compile(r"title:[0-9a-f]{20}")
CATEGORY = re.compile(r"[A-Za-z][A-Za-z\-]{0,30}(?:\.[A-Za-z\-]{1,30})?")

# Documented in /openapi.json but checked here, so that a bad value gets a message that
# says what was expected rather than a regular expression.
DAY_FORMAT = {"pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "examples": ["2025-02-26"]}
WEEK_FORMAT = {"pattern": r"^[0-9]{4}-W[0-9]{2}$", "examples": ["2025-W09"]}
MONTH_FORMAT = {"pattern": r"^[0-9]{4}-[0-9]{2}$", "examples": ["2025-02"]}
CATEGORY_FORMAT = {"pattern": "^" + CATEGORY.pattern + "$", "examples": ["cs.CL"]}
# A search form sends its unused filters as empty strings: those mean "no filter".
OPTIONAL_DAY_FORMAT = {"pattern": r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$", "examples": ["2025-02-26"]}
OPTIONAL_CATEGORY_FORMAT = {"pattern": "^(" + CATEGORY.pattern + ")?$", "examples": ["cs.CL"]}

PAGE = Query(0, ge=0, le=MAX_PAGE, description="Page number, from 0.")
SORT = Query("trending", description="`trending` (the trending score) or `publishedAt` "
                                     "(newest publication first).")


def period(kind: str, text: str, name: str, where: str = "query") -> Period:
    try:
        return parse_period(kind, text)
    except PeriodError as exc:
        raise BadParameter(name, str(exc), where) from None


def paper_id(raw: str, where: str = "path") -> str:
    """A paper id as people write it: an arXiv id (any version, URL or arXiv: form),
    doi:<doi>, or a stored title:<hash> key."""
    text = raw.strip()
    if 0 < len(text) <= MAX_TEXT and text.isprintable():
        try:
            ids.parse_arxiv_id(text)
            return text
        except ids.InvalidId:
            pass
        if text.lower().startswith("doi:") and ids.normalise_doi(text[4:]):
            return text
        if _TITLE_KEY.fullmatch(text):
            return text
    raise BadParameter("id", f"{raw[:60]!r} is not a paper id: use an arXiv id such as "
                             "2405.15738, doi:<DOI>, or a title:<hash> key", where)


def category(raw: str, where: str = "path") -> str:
    if not CATEGORY.fullmatch(raw):
        raise BadParameter("category", f"{raw[:60]!r} is not a category: use an arXiv "
                                       "category such as cs.CL or hep-th", where)
    return raw


def author_name(raw: str, where: str = "path") -> str:
    """An author's name as written on a paper: printable text of at most MAX_TEXT characters
    (stored names are no longer). Matching is paperwire.author_keys' business."""
    text = " ".join(raw.split())
    if not text:
        raise BadParameter("name", "give an author's name, such as Ada Lovelace", where)
    if len(text) > MAX_TEXT:
        raise BadParameter("name", f"an author's name has at most {MAX_TEXT} characters, "
                                   f"not {len(text):,}", where)
    if not text.isprintable():
        raise BadParameter("name", f"{text[:60]!r} is not a name: it holds control or "
                                   "invisible characters", where)
    return text


Mode = Literal["hybrid", "text", "semantic"]
QUERY = Query("", max_length=MAX_TEXT, pattern=PRINTABLE,
              description="Words to search for (titles, abstracts, authors).")
SINCE = Query(None, max_length=40, json_schema_extra=OPTIONAL_DAY_FORMAT,
              description="Published on or after this day (YYYY-MM-DD).")
UNTIL = Query(None, max_length=40, json_schema_extra=OPTIONAL_DAY_FORMAT,
              description="Published on or before this day (YYYY-MM-DD).")
CATEGORY_FILTER = Query(None, max_length=62, json_schema_extra=OPTIONAL_CATEGORY_FORMAT,
                        description="Only papers in this category, e.g. cs.CL.")
AUTHOR = Query(None, max_length=200, pattern=PRINTABLE, description="Only papers with an author "
                                                                      "whose name has these whole "
                                                                      "words, in this order.")
MODE = Query("hybrid", description="hybrid (words and meaning), text (words) or semantic (meaning).")


def search_request(q: str, *, since: str | None, until: str | None, category_name: str | None,
                   author: str | None, mode: str, limit: int, offset: int):  # noqa: ANN201
    """A search.SearchRequest from query parameters, each checked."""
    from ..search import SearchRequest

    first = period("day", since, "since").start if since else None
    last = period("day", until, "until").start if until else None
    if first and last and first > last:
        raise BadParameter("since", f"since ({first}) is after until ({last})")
    categories = [category(category_name, "query")] if category_name else []
    authors = [author.strip()] if author and author.strip() else []
    return SearchRequest(query=q.strip(), mode=mode, limit=limit, offset=offset, since=first,
                         until=last, categories=categories, authors=authors)
