"""arXiv API (export.arxiv.org/api/query) Atom responses.

Streams the feed's <entry> elements, so a large response is read in constant memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO
from xml.etree.ElementTree import Element

from .. import ids
from ..records import (
    PaperRecord, RecordError, Version, clean_abstract, clean_authors, clean_categories,
    clean_text, clean_title, clean_url, normalised, parse_timestamp,
)
from .base import MAX_DOCUMENT_BYTES, ParseOptions, ParseResult, Rejection, guarded
from .xmlstream import capped_elements

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"


def _text(entry: Element, tag: str) -> str | None:
    found = entry.find(tag)
    return found.text if found is not None else None


def _categories(entry: Element) -> list[str]:
    primary = entry.find(ARXIV + "primary_category")
    terms = [primary.get("term")] if primary is not None else []
    terms += [c.get("term") for c in entry.findall(ATOM + "category")]
    kept = []
    for term in terms:
        # ACM and MSC classes ("I.2.6", "68T05") share the element; they are not categories.
        try:
            kept += clean_categories([term])
        except RecordError:
            continue
    return clean_categories(kept)


def _pdf_url(entry: Element) -> str | None:
    for link in entry.findall(ATOM + "link"):
        if link.get("title") == "pdf" or link.get("type") == "application/pdf":
            return clean_url(link.get("href"), "pdf link")
    return None


def is_error_entry(entry: Element) -> bool:
    """The API reports a bad query as an entry: id .../api/errors#..., title "Error"."""
    raw_id = _text(entry, ATOM + "id") or ""
    titled_error = (_text(entry, ATOM + "title") or "").strip() == "Error"
    return "/api/errors" in raw_id or (titled_error and "arxiv.org/abs/" not in raw_id)


def record_from_entry(entry: Element) -> PaperRecord:
    raw_id = _text(entry, ATOM + "id")
    if not raw_id or not raw_id.strip():
        raise RecordError("entry has no id")
    try:
        arxiv_id, version = ids.parse_arxiv_id(raw_id)
    except ids.InvalidId as exc:
        raise RecordError(str(exc)) from None
    published = parse_timestamp(_text(entry, ATOM + "published"), "published")
    updated = parse_timestamp(_text(entry, ATOM + "updated"), "updated")
    versions = []
    if version:
        versions.append(Version(1, published))
        if version > 1:
            versions.append(Version(version, updated))
    names = [_text(author, ATOM + "name") for author in entry.findall(ATOM + "author")]
    return normalised(PaperRecord(
        title=clean_title(_text(entry, ATOM + "title")),
        abstract=clean_abstract(_text(entry, ATOM + "summary")),
        arxiv_id=arxiv_id,
        doi=ids.normalise_doi(_text(entry, ARXIV + "doi")),
        authors=clean_authors(names),
        categories=_categories(entry),
        published=published,
        updated=updated,
        versions=versions,
        comments=clean_text(_text(entry, ARXIV + "comment"), what="comment"),
        journal_ref=clean_text(_text(entry, ARXIV + "journal_ref"), what="journal_ref"),
        pdf_url=_pdf_url(entry),
    ))


def parse_atom_feed(stream: BinaryIO, name: str, options: ParseOptions, *,
                    max_document_bytes: int = MAX_DOCUMENT_BYTES) -> Iterator[ParseResult]:
    """Each <entry> of an arXiv API Atom feed as a Parsed record or a Rejection."""
    for origin, entry, problem in capped_elements(stream, {ATOM + "entry"}, name,
                                                   max_document_bytes):
        if entry is None:
            yield Rejection(origin, problem)
        elif is_error_entry(entry):
            message = " ".join((_text(entry, ATOM + "summary") or "no message").split())[:500]
            yield Rejection(origin, f"arXiv API error: {message}")
        else:
            yield guarded(origin, lambda: record_from_entry(entry))


class ArxivAtomFormat:
    name = "arxiv-atom"
    description = "arXiv API query response (Atom XML)"

    def sniff(self, head: bytes, filename: str) -> bool:
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            return False  # e.g. a JSON recording that wraps a feed
        lowered = head.lower()
        return (b"<feed" in lowered and b"http://www.w3.org/2005/atom" in lowered
                and b"arxiv" in lowered)

    def parse(self, stream: BinaryIO, name: str, options: ParseOptions) -> Iterator[ParseResult]:
        return parse_atom_feed(stream, name, options)


FORMAT = ArxivAtomFormat()
