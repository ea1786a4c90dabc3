"""Paperwire's own JSON Lines: one paper per line, everything the store knows of it.

`paperwire export --format jsonl` writes it and `paperwire import` reads it back, so a
store can be moved or backed up without loss.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from typing import BinaryIO

import orjson

from .. import ids
from ..records import (
    Listing, PaperRecord, RecordError, Version, clean_abstract, clean_authors,
    clean_categories, clean_count, clean_keywords, clean_text, clean_title, clean_url,
    normalised, parse_day, parse_timestamp,
)
from .base import ParseOptions, ParseResult, parse_json_line, parse_lines
from .jsonlines import first_json_object

SCHEMA = "paperwire.paper/1"


def record_to_json(key: str, record: PaperRecord) -> bytes:
    data = {"schema": SCHEMA, "id": key}
    data.update(asdict(record))
    return orjson.dumps(data)


def _text(data: dict, name: str, limit: int = 5_000) -> str | None:
    return clean_text(data.get(name), limit=limit, what=name)


def record_from_json(data: object) -> PaperRecord:
    if not isinstance(data, dict):
        raise RecordError("line is not a JSON object")
    if data.get("schema") != SCHEMA:
        raise RecordError(f"schema is {str(data.get('schema'))[:40]!r}, expected {SCHEMA!r}")
    arxiv_id = None
    if data.get("arxiv_id"):
        try:
            arxiv_id, _ = ids.parse_arxiv_id(str(data["arxiv_id"]))
        except ids.InvalidId as exc:
            raise RecordError(str(exc)) from None
    versions = []
    for item in data.get("versions") or []:
        number = clean_count(item.get("version"), "version")
        if not number:
            raise RecordError("version number missing")
        versions.append(Version(number, parse_timestamp(item.get("created"), "version date"),
                                clean_text(item.get("title"), limit=1000, what="version title"),
                                clean_text(item.get("abstract"), limit=20_000,
                                           what="version abstract")))
    listings = [Listing(parse_day(item.get("day")),
                        clean_text(item.get("source"), limit=40, what="listing source") or "unknown",
                        clean_text(item.get("submitted_by"), limit=300, what="submitted_by"),
                        parse_timestamp(item.get("submitted_at"), "submitted_at"))
                for item in data.get("listings") or []]
    record = normalised(PaperRecord(
        title=clean_title(data.get("title")),
        abstract=clean_abstract(data.get("abstract")),
        arxiv_id=arxiv_id,
        doi=ids.normalise_doi(data.get("doi")),
        authors=clean_authors(data.get("authors")),
        categories=clean_categories(data.get("categories")),
        published=parse_timestamp(data.get("published"), "published"),
        updated=parse_timestamp(data.get("updated"), "updated"),
        versions=versions,
        comments=_text(data, "comments"),
        journal_ref=_text(data, "journal_ref"),
        report_no=_text(data, "report_no"),
        license=_text(data, "license"),
        submitter=_text(data, "submitter", 300),
        pdf_url=clean_url(data.get("pdf_url"), "pdf_url"),
        github_repo=clean_url(data.get("github_repo"), "github_repo"),
        github_stars=clean_count(data.get("github_stars"), "github_stars"),
        project_page=clean_url(data.get("project_page"), "project_page"),
        organization=_text(data, "organization", 300),
        upvotes=clean_count(data.get("upvotes"), "upvotes"),
        num_comments=clean_count(data.get("num_comments"), "num_comments"),
        ai_summary=_text(data, "ai_summary", 20_000),
        ai_keywords=clean_keywords(data.get("ai_keywords")),
        listings=listings,
    ))
    stated = data.get("id")
    if stated is not None and stated != record.key:
        raise RecordError(f"id {str(stated)[:60]!r} does not match the record's key {record.key!r}")
    return record


class PaperwireFormat:
    name = "paperwire"
    description = "Paperwire's own JSON Lines export"

    def sniff(self, head: bytes, filename: str) -> bool:
        first = first_json_object(head)
        return isinstance(first, dict) and first.get("schema") == SCHEMA

    def parse(self, stream: BinaryIO, name: str, options: ParseOptions) -> Iterator[ParseResult]:
        return parse_lines(stream, name, options, self.parse_line)

    def parse_line(self, line: str, origin: str) -> ParseResult:
        return parse_json_line(line, origin, record_from_json)


FORMAT = PaperwireFormat()
