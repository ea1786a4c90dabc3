"""arXiv OAI-PMH ListRecords pages, in the arXivRaw, arXiv and oai_dc metadata formats.

`read_page` parses one page: its records, its resumption token and any OAI-PMH error,
streaming the XML through defusedxml. The Format below lets `paperwire import` read
saved pages too.

arXiv's datestamp is the day a record last changed, which for a new paper is the day it
was announced; a record whose only version was submitted in the week before its datestamp
is taken as announced that day and gets a Listing (source "arxiv").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO
from xml.etree.ElementTree import Element

from .. import ids
from ..records import (
    Listing, PaperRecord, RecordError, Version, clean_abstract, clean_authors,
    clean_categories, clean_text, clean_title, normalised, parse_day,
)
from .arxiv_categories import category_code
from .authors import split_author_list
from .base import MAX_DOCUMENT_BYTES, ParseOptions, ParseResult, Rejection, guarded
from .kaggle import parse_rfc2822
from .xmlstream import CappedReader, DocumentTooLarge, XMLStreamError, iter_elements

OAI = "{http://www.openarchives.org/OAI/2.0/}"
ARXIV = "{http://arxiv.org/OAI/arXiv/}"
ARXIV_RAW = "{http://arxiv.org/OAI/arXivRaw/}"
OAI_DC = "{http://www.openarchives.org/OAI/2.0/oai_dc/}"
DC = "{http://purl.org/dc/elements/1.1/}"
METADATA_PREFIXES = ("arXivRaw", "arXiv", "oai_dc")
LISTING_SOURCE = "arxiv"
ANNOUNCEMENT_WINDOW_DAYS = 7


class OAIPageError(ValueError):
    """The page cannot be read (malformed, truncated, too large); says where."""

    def __init__(self, origin: str, message: str):
        super().__init__(f"{origin}: {message}")
        self.origin = origin


@dataclass
class OAIPage:
    results: list[ParseResult] = field(default_factory=list)
    token: str | None = None  # None or empty: the list is complete
    complete_list_size: int | None = None
    cursor: int | None = None
    error_code: str | None = None
    error_message: str | None = None
    max_datestamp: str | None = None
    deleted: int = 0


def _text(parent: Element, tag: str) -> str | None:
    found = parent.find(tag)
    return found.text if found is not None else None


def _int_attr(element: Element, name: str) -> int | None:
    value = element.get(name)
    return int(value) if value and value.isdigit() else None


def read_page(stream: BinaryIO, name: str, *,
              max_document_bytes: int = MAX_DOCUMENT_BYTES) -> OAIPage:
    page = OAIPage()
    reader = CappedReader(stream, max_document_bytes)
    wanted = {OAI + "record", OAI + "resumptionToken", OAI + "error"}
    try:
        for line, element in iter_elements(reader, wanted):
            if element.tag == OAI + "record":
                _add_record(page, element, f"{name}:{line}")
            elif element.tag == OAI + "resumptionToken":
                page.token = (element.text or "").strip() or None
                page.complete_list_size = _int_attr(element, "completeListSize")
                page.cursor = _int_attr(element, "cursor")
            elif page.error_code is None:
                page.error_code = element.get("code") or "unknown"
                page.error_message = " ".join((element.text or "").split())[:500]
    except XMLStreamError as exc:
        raise OAIPageError(f"{name}:{exc.line}", str(exc)) from None
    except DocumentTooLarge:
        raise OAIPageError(f"{name}:{reader.lines}",
                           f"document larger than {max_document_bytes:,} bytes") from None
    return page


def _add_record(page: OAIPage, record: Element, origin: str) -> None:
    header = record.find(OAI + "header")
    if header is None:
        page.results.append(Rejection(origin, "record has no header"))
        return
    datestamp = _text(header, OAI + "datestamp")
    if datestamp and (page.max_datestamp is None or datestamp.strip() > page.max_datestamp):
        try:
            page.max_datestamp = parse_day(datestamp, "datestamp")
        except RecordError as exc:
            page.results.append(Rejection(origin, str(exc)))
            return
    if header.get("status") == "deleted":
        page.deleted += 1
        return
    metadata = record.find(OAI + "metadata")
    if metadata is None or not len(metadata):
        page.results.append(Rejection(origin, "record has no metadata"))
        return
    page.results.append(guarded(origin, lambda: record_from_metadata(metadata[0], datestamp)))


def record_from_metadata(element: Element, datestamp: str | None) -> PaperRecord:
    builder = _BUILDERS.get(element.tag)
    if builder is None:
        raise RecordError(f"unsupported metadata format {element.tag!r}")
    record = builder(element)
    if datestamp:
        listing = _announcement(record, parse_day(datestamp, "datestamp"))
        if listing:
            record.listings.append(listing)
    return normalised(record)


def _announcement(record: PaperRecord, datestamp: str) -> Listing | None:
    """New papers only: one version, submitted within the week before the datestamp."""
    if len(record.versions) != 1 or record.versions[0].version != 1:
        return None
    created = record.versions[0].created
    if not created:
        return None
    lag = (date.fromisoformat(datestamp) - date.fromisoformat(created[:10])).days
    return Listing(datestamp, LISTING_SOURCE) if 0 <= lag <= ANNOUNCEMENT_WINDOW_DAYS else None


def _arxiv_id(raw: str | None) -> str:
    if not raw or not raw.strip():
        raise RecordError("record has no arXiv id")
    try:
        return ids.parse_arxiv_id(raw)[0]
    except ids.InvalidId as exc:
        raise RecordError(str(exc)) from None


def _day_timestamp(value: str | None, what: str) -> str | None:
    return parse_day(value, what) + "T00:00:00Z" if value and value.strip() else None


def _common_fields(texts: dict[str, str | None], ns: str) -> dict:
    return dict(
        title=clean_title(texts.get(ns + "title")),
        abstract=clean_abstract(texts.get(ns + "abstract")),
        arxiv_id=_arxiv_id(texts.get(ns + "id")),
        doi=ids.normalise_doi(texts.get(ns + "doi")),
        categories=clean_categories(texts.get(ns + "categories")),
        comments=clean_text(texts.get(ns + "comments"), what="comments"),
        journal_ref=clean_text(texts.get(ns + "journal-ref"), what="journal-ref"),
        report_no=clean_text(texts.get(ns + "report-no"), what="report-no"),
        license=clean_text(texts.get(ns + "license"), what="license"),
    )


def _child_texts(element: Element) -> dict[str, str | None]:
    """Each child's text by tag (the first of each), read in one pass over the children."""
    texts: dict[str, str | None] = {}
    for child in element:
        texts.setdefault(child.tag, child.text)
    return texts


def _from_arxiv_raw(element: Element) -> PaperRecord:
    versions = []
    for item in element.iterfind(ARXIV_RAW + "version"):
        label = item.get("version", "")
        if not (label[:1] == "v" and label[1:].isdigit()):
            raise RecordError(f"bad version label {label[:20]!r}")
        versions.append(Version(int(label[1:]), parse_rfc2822(_text(item, ARXIV_RAW + "date"))))
    texts = _child_texts(element)
    return PaperRecord(
        **_common_fields(texts, ARXIV_RAW),
        authors=clean_authors(split_author_list(texts.get(ARXIV_RAW + "authors"))),
        submitter=clean_text(texts.get(ARXIV_RAW + "submitter"), limit=300, what="submitter"),
        versions=versions,
        published=versions[0].created if versions else None,
        updated=versions[-1].created if versions else None,
    )


def _from_arxiv(element: Element) -> PaperRecord:
    """The arXiv format names the first and latest version dates but not the version
    numbers: only v1 is known for sure (arXivRaw carries them all)."""
    created = _day_timestamp(_text(element, ARXIV + "created"), "created")
    updated = _day_timestamp(_text(element, ARXIV + "updated"), "updated")
    names = []
    authors = element.find(ARXIV + "authors")
    for author in authors.findall(ARXIV + "author") if authors is not None else []:
        parts = [_text(author, ARXIV + tag) for tag in ("forenames", "keyname", "suffix")]
        names.append(" ".join(p.strip() for p in parts if p and p.strip()))
    return PaperRecord(
        **_common_fields(_child_texts(element), ARXIV),
        authors=clean_authors(names),
        versions=[Version(1, created)] if created else [],
        published=created,
        updated=updated or created,
    )


def _from_oai_dc(element: Element) -> PaperRecord:
    arxiv_id, doi, journal_ref = None, None, None
    for identifier in element.findall(DC + "identifier"):
        value = (identifier.text or "").strip()
        if "arxiv.org/abs/" in value and arxiv_id is None:
            arxiv_id = _arxiv_id(value)
        elif value.lower().startswith("doi:"):
            doi = ids.normalise_doi(value)
        elif value and journal_ref is None:
            journal_ref = clean_text(value, what="journal-ref")
    abstract, comments = "", None
    for description in element.findall(DC + "description"):
        value = description.text or ""
        if value.strip().startswith("Comment:"):
            comments = clean_text(value.strip()[len("Comment:"):], what="comments")
        elif not abstract:
            abstract = clean_abstract(value)
    dates = [_day_timestamp(d.text, "date") for d in element.findall(DC + "date")]
    dates = [d for d in dates if d]
    names = []
    for creator in element.findall(DC + "creator"):
        last, _, first = (creator.text or "").partition(",")
        names.append(" ".join(p.strip() for p in (first, last) if p.strip()))
    codes = [category_code(s.text or "") for s in element.findall(DC + "subject")]
    return PaperRecord(
        title=clean_title(_text(element, DC + "title")),
        abstract=abstract,
        arxiv_id=arxiv_id or _arxiv_id(None),
        doi=doi,
        authors=clean_authors(names),
        categories=clean_categories([c for c in codes if c]),
        comments=comments,
        journal_ref=journal_ref,
        versions=[Version(1, dates[0])] if dates else [],
        published=dates[0] if dates else None,
        updated=dates[-1] if dates else None,
    )


_BUILDERS = {
    ARXIV_RAW + "arXivRaw": _from_arxiv_raw,
    ARXIV + "arXiv": _from_arxiv,
    OAI_DC + "dc": _from_oai_dc,
}


def parse_oai_pages(stream: BinaryIO, name: str, options: ParseOptions) -> Iterator[ParseResult]:
    """A saved ListRecords page as import results; an OAI-PMH error or a malformed page
    becomes one rejection (what was read before it is kept)."""
    try:
        page = read_page(stream, name)
    except OAIPageError as exc:
        yield Rejection(exc.origin, str(exc).split(": ", 1)[-1])
        return
    yield from page.results
    if page.error_code and page.error_code != "noRecordsMatch":
        yield Rejection(f"{name}:1", f"OAI-PMH error {page.error_code}: {page.error_message}")


class OAIPMHFormat:
    name = "oai-pmh"
    description = "arXiv OAI-PMH ListRecords response (arXivRaw, arXiv or oai_dc XML)"

    def sniff(self, head: bytes, filename: str) -> bool:
        stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        return stripped.startswith(b"<") and b"<OAI-PMH" in head and (
            b"http://www.openarchives.org/OAI/2.0/" in head)

    def parse(self, stream: BinaryIO, name: str, options: ParseOptions) -> Iterator[ParseResult]:
        return parse_oai_pages(stream, name, options)


FORMAT = OAIPMHFormat()
