"""A saved listing page as plain text: a short header, then per paper a one-line title,
a blank line, an abstract paragraph and a blank line. No ids, so papers key on their title.

This is the last fallback in format detection: it claims only text that has at least one
title followed by an abstract-like paragraph.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from ..records import PaperRecord, clean_abstract, clean_title, normalised
from .base import ParseOptions, Parsed, ParseResult, Rejection, guarded, numbered_lines

# Abstracts in the real page are 1,400+ characters and titles at most ~120; an abstract
# must be at least this long and longer than its title.
MIN_ABSTRACT_CHARS = 200


@dataclass
class _Block:
    """A run of non-blank lines; `problems` holds the rejections of lines that were lost."""

    line: int
    lines: list[str] = field(default_factory=list)
    size: int = 0
    problems: list[Rejection] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(part.strip() for part in self.lines)


def _blocks(stream: BinaryIO, name: str, max_bytes: int) -> Iterator[_Block]:
    block: _Block | None = None
    previous = 0
    for number, line in numbered_lines(stream, name, max_bytes):
        if block is not None and number > previous + 1:  # numbered_lines skips blank lines
            yield block
            block = None
        previous = number
        block = block or _Block(number)
        if block.problems:
            continue  # the paragraph is lost already; its first problem says why
        if isinstance(line, Rejection):
            block.problems.append(line)
            continue
        block.size += len(line.encode("utf-8"))
        if block.size > max_bytes:
            block.problems.append(Rejection(f"{name}:{number}",
                                            f"paragraph longer than {max_bytes:,} bytes"))
            block.lines = []
            continue
        block.lines.append(line)
    if block is not None:
        yield block


def _is_abstract_of(title: _Block | None, block: _Block) -> bool:
    length = len(block.text)
    return length >= MIN_ABSTRACT_CHARS and length > (len(title.text) if title else 0)


def _paper(name: str, title: _Block, abstract: _Block) -> ParseResult:
    origin = f"{name}:{title.line}"
    if len(title.lines) > 1:
        return Rejection(origin, f"title spans {len(title.lines)} lines; a title is one line")
    return guarded(origin, lambda: normalised(PaperRecord(
        title=clean_title(title.text), abstract=clean_abstract(abstract.text))))


def _unpaired(name: str, block: _Block, after_first_paper: bool) -> Iterator[Rejection]:
    origin = f"{name}:{block.line}"
    if len(block.text) >= MIN_ABSTRACT_CHARS:
        yield Rejection(origin, "abstract-like paragraph without a title line before it")
    elif after_first_paper:
        yield Rejection(origin, "title without an abstract")
    # Short paragraphs before the first paper are the page header.


def parse_listing(stream: BinaryIO, name: str, options: ParseOptions) -> Iterator[ParseResult]:
    pending: _Block | None = None  # the paragraph waiting to see whether an abstract follows
    partner_lost = False  # the previous paragraph was lost: skip its abstract quietly
    seen_paper = False
    for block in _blocks(stream, name, options.max_record_bytes):
        if block.problems:
            # A lost paragraph right after a paper's title is taken as its abstract, and the
            # title goes with it; otherwise it is taken as a title, and its abstract is skipped.
            partner_lost = pending is None or not seen_paper
            pending = None
            yield from block.problems
            continue
        if pending is not None and _is_abstract_of(pending, block):
            yield _paper(name, pending, block)
            seen_paper, pending = True, None
            continue
        if partner_lost and _is_abstract_of(None, block):
            partner_lost = False
            continue
        partner_lost = False
        if pending is not None:
            yield from _unpaired(name, pending, seen_paper)
        pending = block
    if pending is not None:
        yield from _unpaired(name, pending, seen_paper)


def _head_text(head: bytes) -> str | None:
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:
            return None
        return head[:exc.start].decode("utf-8")  # the head was cut inside a character


class ListingPageFormat:
    name = "listing"
    description = "Saved listing page text: title line, blank line, abstract paragraph"

    def sniff(self, head: bytes, filename: str) -> bool:
        text = _head_text(head)
        if text is None or "\x00" in text:
            return False
        start = text.lstrip("\ufeff \t\r\n")[:1]
        if not start or start in "{[<":
            return False
        sample = text.encode("utf-8")
        # Notes and READMEs also have short lines before long paragraphs; a page as a
        # browser saves it has each paragraph on one line, and mostly papers.
        blocks = list(_blocks(io.BytesIO(sample), filename, len(sample) + 1))
        one_line_pairs = sum(
            1 for title, abstract in zip(blocks, blocks[1:])
            if len(title.lines) == 1 and len(abstract.lines) == 1
            and _is_abstract_of(title, abstract))
        results = list(parse_listing(io.BytesIO(sample), filename, ParseOptions()))
        papers = sum(isinstance(result, Parsed) for result in results)
        return one_line_pairs > 0 and papers > len(results) - papers

    def parse(self, stream: BinaryIO, name: str, options: ParseOptions) -> Iterator[ParseResult]:
        return parse_listing(stream, name, options)


FORMAT = ListingPageFormat()
