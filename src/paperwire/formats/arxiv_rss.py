"""arXiv's new-submissions feeds (rss.arxiv.org/rss/<feed> and /atom/<feed>).

Each item is one announcement of the day: "new" (first announced today), "cross" (a new
cross-list), "replace" or "replace-cross" (a new version). New papers and new cross-lists
get a Listing on the announcement day (source "arxiv"); replacements update the paper.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import BinaryIO
from xml.etree.ElementTree import Element

from .. import ids
from ..records import (
    Listing, PaperRecord, RecordError, Version, clean_abstract, clean_authors,
    clean_categories, clean_title, clean_url, normalised, parse_day,
)
from .authors import split_author_list
from .base import MAX_DOCUMENT_BYTES, ParseOptions, ParseResult, Rejection, guarded
from .xmlstream import capped_elements

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
LISTING_SOURCE = "arxiv"
LISTED_TYPES = {"new", "cross"}
ANNOUNCE_TYPES = {"new", "cross", "replace", "replace-cross"}
_PREAMBLE = re.compile(r"^\s*arXiv:\S+\s+Announce Type:\s*\S+\s*(?:Abstract:\s*)?", re.IGNORECASE)


def _text(parent: Element, tag: str) -> str | None:
    found = parent.find(tag)
    return found.text if found is not None else None


def _announce_day(item: Element) -> str:
    """The day in the feed's own time zone (arXiv's, US Eastern): that is the listing."""
    raw = _text(item, "pubDate") or _text(item, ATOM + "published")
    if not raw or not raw.strip():
        raise RecordError("item has no announcement date")
    raw = raw.strip()
    if raw[:4].isdigit():
        return parse_day(raw[:10], "announcement date")
    try:
        moment = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        raise RecordError(f"bad announcement date {raw[:40]!r}") from None
    return parse_day(moment.date().isoformat(), "announcement date")


def record_from_item(item: Element) -> PaperRecord:
    is_atom = item.tag == ATOM + "entry"
    raw_id = _text(item, ATOM + "id") if is_atom else _text(item, "guid")
    try:
        arxiv_id, version = ids.parse_arxiv_id(raw_id or _text(item, "link") or "")
    except ids.InvalidId as exc:
        raise RecordError(str(exc)) from None
    announce_type = (_text(item, ARXIV + "announce_type") or "new").strip().lower()
    if announce_type not in ANNOUNCE_TYPES:
        raise RecordError(f"unknown announce type {announce_type[:30]!r}")
    summary = _text(item, ATOM + "summary") if is_atom else _text(item, "description")
    if is_atom:
        terms = [c.get("term") for c in item.findall(ATOM + "category")]
        names = [_text(a, ATOM + "name") for a in item.findall(ATOM + "author")]
    else:
        terms = [c.text for c in item.findall("category")]
        names = []
    if not names:
        names = split_author_list(_text(item, DC + "creator"))
    day = _announce_day(item)
    rights = _text(item, DC + "rights")
    return normalised(PaperRecord(
        title=clean_title(_text(item, ATOM + "title") if is_atom else _text(item, "title")),
        abstract=clean_abstract(_PREAMBLE.sub("", summary or "")),
        arxiv_id=arxiv_id,
        authors=clean_authors(names),
        categories=clean_categories([t.strip() for t in terms if t and t.strip()]),
        versions=[Version(version)] if version else [],
        license=clean_url(rights, "license") if rights else None,
        listings=[Listing(day, LISTING_SOURCE)] if announce_type in LISTED_TYPES else [],
    ))


def parse_listing_feed(stream: BinaryIO, name: str, options: ParseOptions, *,
                       max_document_bytes: int = MAX_DOCUMENT_BYTES) -> Iterator[ParseResult]:
    for origin, item, problem in capped_elements(stream, {"item", ATOM + "entry"}, name,
                                                  max_document_bytes):
        if item is None:
            yield Rejection(origin, problem)
        else:
            yield guarded(origin, lambda: record_from_item(item))


class ArxivListingFeedFormat:
    name = "arxiv-rss"
    description = "arXiv new-submissions feed (rss.arxiv.org, RSS or Atom)"

    def sniff(self, head: bytes, filename: str) -> bool:
        lowered = head.lower()
        return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") and (
            b"announce_type" in lowered or b"rss.arxiv.org" in lowered)

    def parse(self, stream: BinaryIO, name: str, options: ParseOptions) -> Iterator[ParseResult]:
        return parse_listing_feed(stream, name, options)


FORMAT = ArxivListingFeedFormat()
