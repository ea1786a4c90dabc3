"""Hugging Face daily papers: the flattened JSON Lines and the raw API responses.

The raw responses (https://huggingface.co/api/daily_papers?date=...) come in three shapes:
a JSON list of paper dicts, a JSON list of Python-repr strings of those dicts, and a
wrapper {"status", "date", "count", "data": [Python-repr strings]}. Both formats map to
the same records: one paper with one Listing on the day it was listed.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from typing import BinaryIO

from .. import ids
from ..records import (
    Listing, PaperRecord, RecordError, clean_abstract, clean_authors, clean_count,
    clean_keywords, clean_text, clean_title, clean_url, normalised, parse_day, parse_timestamp,
)
from .base import (
    ParseOptions, ParseResult, Rejection, guarded, parse_json_line, parse_lines, read_document,
)
from .jsonlines import first_json_object

SOURCE = "hf"
# Real repr items are at most 23 kB; parsing a Python literal takes ~150x its size in memory.
MAX_LITERAL_CHARS = 500_000
_SPACE = re.compile(r"[ \t\r\n]*")
_FILE_DAY = re.compile(r"(?:^|[/:\\])(\d{4}-\d{2}-\d{2})\.json(?:\.gz|\.xz|\.bz2)?$")


def _arxiv_id(raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise RecordError("missing arXiv id")
    try:
        arxiv_id, _ = ids.parse_arxiv_id(raw)
    except ids.InvalidId as exc:
        raise RecordError(str(exc)) from None
    return arxiv_id


def _organization(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("fullname") or value.get("name")
    return clean_text(value, limit=300, what="organization")


def _community_record(*, arxiv_id: object, title: object, summary: object, authors: object,
                      published: object, upvotes: object, num_comments: object,
                      github_repo: object, github_stars: object, project_page: object,
                      organization: object, ai_summary: object, ai_keywords: object,
                      listing: Listing) -> PaperRecord:
    return normalised(PaperRecord(
        title=clean_title(title),
        abstract=clean_abstract(summary),
        arxiv_id=_arxiv_id(arxiv_id),
        authors=clean_authors(authors),
        published=parse_timestamp(published, "published"),
        upvotes=clean_count(upvotes, "upvotes"),
        num_comments=clean_count(num_comments, "num_comments"),
        github_repo=clean_url(github_repo, "github_repo"),
        github_stars=clean_count(github_stars, "github_stars"),
        project_page=clean_url(project_page, "project_page"),
        organization=_organization(organization),
        ai_summary=clean_text(ai_summary, limit=20_000, what="ai_summary"),
        ai_keywords=clean_keywords(ai_keywords),
        listings=[listing],
    ))


# --- flattened JSON Lines ----------------------------------------------------------------

def record_from_flat(data: object) -> PaperRecord:
    if not isinstance(data, dict):
        raise RecordError("line is not a JSON object")
    submitted_at = data.get("submitted_on_daily_at") or data.get("listed_published_at")
    listing = Listing(parse_day(data.get("daily_date"), "daily_date"), SOURCE, None,
                      parse_timestamp(submitted_at, "submitted_at"))
    return _community_record(
        arxiv_id=data.get("arxiv_id"), title=data.get("title"), summary=data.get("summary"),
        authors=data.get("authors"), published=data.get("paper_published_at"),
        upvotes=data.get("upvotes"), num_comments=data.get("num_comments"),
        github_repo=data.get("github_repo"), github_stars=data.get("github_stars"),
        project_page=data.get("project_page"), organization=data.get("organization"),
        ai_summary=data.get("ai_summary"), ai_keywords=data.get("ai_keywords"),
        listing=listing)


class HFFlatFormat:
    name = "hf-jsonl"
    description = "Hugging Face daily papers, flattened JSON Lines (one line per day and paper)"

    def sniff(self, head: bytes, filename: str) -> bool:
        first = first_json_object(head)
        return isinstance(first, dict) and "arxiv_id" in first and "daily_date" in first

    def parse(self, stream: BinaryIO, name: str, options: ParseOptions) -> Iterator[ParseResult]:
        return parse_lines(stream, name, options, self.parse_line)

    def parse_line(self, line: str, origin: str) -> ParseResult:
        return parse_json_line(line, origin, record_from_flat)


# --- raw API responses -------------------------------------------------------------------

def _user_name(user: object, *keys: str) -> str | None:
    if not isinstance(user, dict):
        return None
    for key in keys:
        if isinstance(user.get(key), str) and user[key].strip():
            return clean_text(user[key], limit=300, what="submitted_by")
    return None


def record_from_api(item: object, day_of_file: str | None) -> PaperRecord:
    if not isinstance(item, dict):
        raise RecordError("item is not an object")
    paper = item.get("paper")
    if not isinstance(paper, dict):
        raise RecordError("item has no paper object")
    submitted_at = paper.get("submittedOnDailyAt") or item.get("publishedAt")
    day = day_of_file
    if day is None and submitted_at:
        day = parse_day(submitted_at, "listing day")
    if day is None:
        raise RecordError("no listing day: no dated file name and no submission time")
    # submittedOnDailyBy names the account in "user"; the older submittedBy in "name".
    submitted_by = (_user_name(paper.get("submittedOnDailyBy"), "user", "name")
                    or _user_name(item.get("submittedBy"), "name", "user"))
    authors = paper.get("authors")
    if authors is not None and not isinstance(authors, list):
        raise RecordError("authors is not a list")
    names = [a.get("name") if isinstance(a, dict) else a for a in authors or []]
    # The item's title keeps arXiv's markup ("\textsc{...}"), as the flattened file does.
    return _community_record(
        arxiv_id=paper.get("id"), title=item.get("title") or paper.get("title"),
        summary=paper.get("summary") or item.get("summary"), authors=names,
        published=paper.get("publishedAt"), upvotes=paper.get("upvotes"),
        num_comments=item.get("numComments"), github_repo=paper.get("githubRepo"),
        github_stars=paper.get("githubStars"), project_page=paper.get("projectPage"),
        organization=paper.get("organization") or item.get("organization"),
        ai_summary=paper.get("ai_summary"), ai_keywords=paper.get("ai_keywords"),
        listing=Listing(day, SOURCE, submitted_by,
                        parse_timestamp(submitted_at, "submitted_at")))


def python_literal(text: str, limit: int) -> object:
    """A Python-repr string as data, without running anything; refuses what is not a literal."""
    if len(text) > limit:
        raise RecordError(f"Python-literal string longer than {limit:,} characters")
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError):
        raise RecordError("string is not a Python literal") from None
    except (RecursionError, MemoryError):
        raise RecordError("Python literal nested too deeply") from None


class _Lines:
    """Line number of a character offset; offsets must be asked for in increasing order."""

    def __init__(self, text: str):
        self.text, self.offset, self.line = text, 0, 1

    def at(self, offset: int) -> int:
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def _skip_space(text: str, pos: int) -> int:
    return _SPACE.match(text, pos).end()


def _expect(text: str, pos: int, allowed: str) -> str:
    if pos >= len(text) or text[pos] not in allowed:
        wanted = " or ".join(repr(c) for c in allowed)
        raise json.JSONDecodeError(f"Expecting {wanted}", text, pos)
    return text[pos]


def _decode(decoder: json.JSONDecoder, text: str, pos: int) -> tuple[object, int]:
    try:
        return decoder.raw_decode(text, pos)
    except RecursionError:
        raise json.JSONDecodeError("Nested too deeply", text, pos) from None


def _array_items(decoder: json.JSONDecoder, text: str,
                 pos: int) -> tuple[list[tuple[int, object]], int]:
    """The items of the array starting at text[pos] with their offsets, and the end offset."""
    items: list[tuple[int, object]] = []
    pos = _skip_space(text, pos + 1)
    if text[pos:pos + 1] == "]":
        return items, pos + 1
    while True:
        value, end = _decode(decoder, text, pos)
        items.append((pos, value))
        pos = _skip_space(text, end)
        if _expect(text, pos, ",]") == "]":
            return items, pos + 1
        pos = _skip_space(text, pos + 1)


def _wrapper_items(decoder: json.JSONDecoder, text: str,
                   pos: int) -> tuple[list[tuple[int, object]] | None, object, int]:
    """Walk a {"date", "data": [...]} object: the data items with offsets (None without a
    data list), the stated date, and the end offset."""
    items: list[tuple[int, object]] | None = None
    stated_day: object = None
    pos = _skip_space(text, pos + 1)
    if text[pos:pos + 1] == "}":
        return items, stated_day, pos + 1
    while True:
        _expect(text, pos, '"')
        key, pos = _decode(decoder, text, pos)
        pos = _skip_space(text, pos)
        _expect(text, pos, ":")
        pos = _skip_space(text, pos + 1)
        if key == "data" and text[pos:pos + 1] == "[":
            items, pos = _array_items(decoder, text, pos)
        else:
            value, pos = _decode(decoder, text, pos)
            if key == "data":
                items = None
            elif key == "date":
                stated_day = value
        pos = _skip_space(text, pos)
        if _expect(text, pos, ",}") == "}":
            return items, stated_day, pos + 1
        pos = _skip_space(text, pos + 1)


def _document_items(text: str) -> tuple[list[tuple[int, object]] | None, object]:
    decoder = json.JSONDecoder()
    pos = _skip_space(text, 0)
    if _expect(text, pos, "[{") == "[":
        items, end = _array_items(decoder, text, pos)
        stated_day = None
    else:
        items, stated_day, end = _wrapper_items(decoder, text, pos)
    if _skip_space(text, end) != len(text):
        raise json.JSONDecodeError("Extra data", text, _skip_space(text, end))
    return items, stated_day


def file_day(name: str) -> str | None:
    match = _FILE_DAY.search(name)
    if not match:
        return None
    try:
        return parse_day(match.group(1))
    except RecordError:
        return None


class HFRawFormat:
    name = "hf-api"
    description = "Hugging Face daily papers API responses (one JSON document per day)"

    def sniff(self, head: bytes, filename: str) -> bool:
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not text.startswith((b"[", b"{")):
            return False
        if b'"paper"' not in head and b"'paper'" not in head:  # the key, as JSON or repr
            return False
        if text.startswith(b"{") and b'"data"' not in head:
            return False
        first = first_json_object(head)
        # A complete JSON object on the first line is JSON Lines, unless it is the API's wrapper.
        return not (isinstance(first, dict) and not isinstance(first.get("data"), list))

    def parse(self, stream: BinaryIO, name: str, options: ParseOptions) -> Iterator[ParseResult]:
        return parse_api_response(stream, name, options, day=file_day(name))


def parse_api_response(stream: BinaryIO, name: str, options: ParseOptions, *,
                       day: str | None = None) -> Iterator[ParseResult]:
    """One API response. The listing day is `day` (the date asked for, or the file's name),
    else the wrapper's stated date, else each paper's submission day."""
    try:
        raw = read_document(stream, name)
    except RecordError as exc:
        yield Rejection(f"{name}:1", str(exc))
        return
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        yield Rejection(f"{name}:{line}", f"not valid UTF-8 (byte {exc.start} of the document)")
        return
    text = text.removeprefix("\ufeff")
    try:
        items, stated_day = _document_items(text)
    except json.JSONDecodeError as exc:
        yield Rejection(f"{name}:{exc.lineno}", f"malformed JSON document: {exc}")
        return
    if items is None:
        yield Rejection(f"{name}:1", 'JSON object without a "data" list of papers')
        return
    if day is None and stated_day is not None:
        try:
            day = parse_day(stated_day, "document date")
        except RecordError as exc:
            yield Rejection(f"{name}:1", str(exc))
            return
    lines = _Lines(text)
    for offset, item in items:
        origin = f"{name}:{lines.at(offset)}"
        yield guarded(origin, lambda: record_from_api(_as_object(item, options), day))


def _as_object(item: object, options: ParseOptions) -> object:
    if isinstance(item, str):
        return python_literal(item, min(options.max_record_bytes, MAX_LITERAL_CHARS))
    return item


FORMAT_FLAT = HFFlatFormat()
FORMAT_RAW = HFRawFormat()
