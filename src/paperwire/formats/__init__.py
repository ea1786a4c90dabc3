"""File formats the importer reads. Each module parses bytes into normalised records
(the "parse" step of fetch -> parse -> process -> store) and never touches the store."""

from __future__ import annotations

from .base import Format, ParseOptions, Parsed, ParseResult, Rejection
from . import arxiv_atom, arxiv_rss, hf_daily, kaggle, listing_page, oai_pmh, paperwire_jsonl

# Detection order: the most specific first; the plain-text listing page is the last fallback.
# The listing feed and OAI-PMH come before arxiv-atom: a listing feed is Atom from arXiv too.
FORMATS: list[Format] = [paperwire_jsonl.FORMAT, kaggle.FORMAT, hf_daily.FORMAT_FLAT,
                         hf_daily.FORMAT_RAW, oai_pmh.FORMAT, arxiv_rss.FORMAT,
                         arxiv_atom.FORMAT, listing_page.FORMAT]


def register(fmt: Format) -> None:
    if any(existing.name == fmt.name for existing in FORMATS):
        return
    FORMATS.append(fmt)


def by_name(name: str) -> Format:
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise KeyError(name)


def detect(head: bytes, filename: str) -> Format | None:
    """The first format, in registry order, whose sniff accepts the content."""
    for fmt in FORMATS:
        if fmt.sniff(head, filename):
            return fmt
    return None


__all__ = ["FORMATS", "Format", "ParseOptions", "Parsed", "ParseResult", "Rejection",
           "by_name", "detect", "register"]
