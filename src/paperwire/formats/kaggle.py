"""The arXiv bulk metadata dump (Kaggle "arxiv-metadata-oai-snapshot"), JSON Lines.

Streams line by line, so a multi-GB dump is read in constant memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from .. import ids
from ..records import (
    PaperRecord, RecordError, Version, clean_abstract, clean_authors, clean_categories,
    clean_text, clean_title, normalised, parse_day,
)
from .base import ParseOptions, ParseResult, parse_json_line, parse_lines
from .jsonlines import first_json_object

_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


def parse_rfc2822(value: object) -> str:
    """'Mon, 2 Apr 2007 19:18:42 GMT' -> '2007-04-02T19:18:42Z', fast (the dump has millions)."""
    try:
        _, day, month, year, clock, zone = value.split()
        if zone not in ("GMT", "UTC", "+0000"):
            raise ValueError
        hour, minute, second = clock.split(":")
        number = _MONTHS[month]
        if not (1 <= int(day) <= 31 and 1990 <= int(year) <= 2200 and int(hour) < 24
                and int(minute) < 60 and int(second) < 61):
            raise ValueError
        return f"{int(year):04d}-{number:02d}-{int(day):02d}T{clock}Z"
    except (AttributeError, ValueError, KeyError):
        raise RecordError(f"bad version date {str(value)[:40]!r}") from None


def _authors(data: dict) -> list[str]:
    parsed = data.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for parts in parsed:
            if not isinstance(parts, list) or not parts:
                raise RecordError("authors_parsed entry is not a [last, first, suffix] list")
            # [last, first, suffix] -> "first last suffix", skipping empty parts
            names.append(" ".join([p for p in (parts[1:2] + parts[:1] + parts[2:3]) if p]))
        return clean_authors(names)
    raw = data.get("authors")
    if isinstance(raw, str):
        return clean_authors([n for n in raw.replace(" and ", ", ").split(", ") if n.strip()])
    return []


def _versions(data: dict) -> list[Version]:
    raw = data.get("versions") or []
    if not isinstance(raw, list):
        raise RecordError("versions is not a list")
    versions = []
    for item in raw:
        label = item.get("version", "") if isinstance(item, dict) else ""
        if not (isinstance(label, str) and label[:1] == "v" and label[1:].isdigit()):
            raise RecordError(f"bad version label {str(label)[:20]!r}")
        versions.append(Version(int(label[1:]), parse_rfc2822(item.get("created"))))
    return versions


def record_from_kaggle(data: object) -> PaperRecord:
    if not isinstance(data, dict):
        raise RecordError("line is not a JSON object")
    raw_id = data.get("id")
    if not isinstance(raw_id, str):
        raise RecordError("missing id")
    try:
        arxiv_id, _ = ids.parse_arxiv_id(raw_id)
    except ids.InvalidId as exc:
        raise RecordError(str(exc)) from None
    versions = _versions(data)
    update_date = data.get("update_date")
    updated = versions[-1].created if versions else (
        parse_day(update_date, "update_date") + "T00:00:00Z" if update_date else None)
    return normalised(PaperRecord(
        title=clean_title(data.get("title")),
        abstract=clean_abstract(data.get("abstract")),
        arxiv_id=arxiv_id,
        doi=ids.normalise_doi(data.get("doi")),
        authors=_authors(data),
        categories=clean_categories(data.get("categories")),
        published=versions[0].created if versions else None,
        updated=updated,
        versions=versions,
        comments=clean_text(data.get("comments"), what="comments"),
        journal_ref=clean_text(data.get("journal-ref"), what="journal-ref"),
        report_no=clean_text(data.get("report-no"), what="report-no"),
        license=clean_text(data.get("license"), what="license"),
        submitter=clean_text(data.get("submitter"), limit=300, what="submitter"),
    ))


class KaggleFormat:
    name = "kaggle"
    description = "arXiv bulk metadata dump (Kaggle arxiv-metadata-oai-snapshot JSON Lines)"

    def sniff(self, head: bytes, filename: str) -> bool:
        first = first_json_object(head)
        return isinstance(first, dict) and "id" in first and (
            "authors_parsed" in first or ("versions" in first and "abstract" in first))

    def parse(self, stream: BinaryIO, name: str, options: ParseOptions) -> Iterator[ParseResult]:
        return parse_lines(stream, name, options, self.parse_line)

    def parse_line(self, line: str, origin: str) -> ParseResult:
        return parse_json_line(line, origin, record_from_kaggle)


FORMAT = KaggleFormat()
