"""Paper identity: arXiv ids, DOIs and title hashes, as the design defines them.

A paper's key is its arXiv id without the version ("2405.15738", "hep-th/9901001");
without an arXiv id it is "doi:<doi>", else "title:<hash of the normalised title>".
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

# 0704.0001 (2007-2014, four digits) and 1501.00001 (2015 on, five digits).
_NEW_STYLE = re.compile(r"(?P<id>\d{4}\.\d{4,5})(?:v(?P<version>\d+))?")
# hep-th/9901001, math.GT/0309136 (the subject class is not part of the identity).
_OLD_STYLE = re.compile(
    r"(?P<archive>[a-z][a-z\-]*)(?:\.[A-Za-z\-]{1,8})?/(?P<number>\d{7})(?:v(?P<version>\d+))?")
_PREFIXES = re.compile(
    r"^(?:arxiv:|oai:arxiv\.org:|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)",
    re.IGNORECASE)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


class InvalidId(ValueError):
    pass


def parse_arxiv_id(raw: str) -> tuple[str, int | None]:
    """Return (id without version, version or None); raise InvalidId if it is not one."""
    text = (raw or "").strip()
    text = _PREFIXES.sub("", text)
    if text.lower().endswith(".pdf"):
        text = text[:-4]
    match = _NEW_STYLE.fullmatch(text)
    if match:
        month = int(text[2:4])
        if not 1 <= month <= 12:
            raise InvalidId(f"not an arXiv id (month {month:02d}): {raw!r}")
        digits = len(match.group("id")) - 5
        if digits != (5 if text[:4] >= "1501" else 4):
            raise InvalidId(f"not an arXiv id (ids from {text[:4]} have "
                            f"{5 if text[:4] >= '1501' else 4} digits): {raw!r}")
        version = match.group("version")
        return match.group("id"), int(version) if version else None
    match = _OLD_STYLE.fullmatch(text)
    if match:
        version = match.group("version")
        return f"{match.group('archive')}/{match.group('number')}", int(version) if version else None
    raise InvalidId(f"not an arXiv id: {raw!r}")


def is_arxiv_key(key: str) -> bool:
    return not key.startswith(("doi:", "title:"))


def normalise_doi(raw: str | None) -> str | None:
    if not raw:
        return None
    text = raw.strip()
    text = re.sub(r"^(?:doi:|https?://(?:dx\.)?doi\.org/)", "", text, flags=re.IGNORECASE)
    # The bulk dump sometimes lists several DOIs separated by spaces; the first is the paper's.
    text = text.split()[0] if text.split() else ""
    if not _DOI.match(text):
        return None
    return text.lower()


_ASCII_PUNCTUATION = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=65536)
def fold(title: str) -> str:
    """Lower-case, accent-free, punctuation-free text: what identity and name matching compare."""
    if title.isascii():
        return " ".join(_ASCII_PUNCTUATION.sub(" ", title.lower()).split())
    # upper() first: dotless ı and others only meet their capitals that way (ı -> I -> i).
    folded = unicodedata.normalize("NFKD", title.upper()).casefold()
    kept = [ch if ch.isalnum() else " " for ch in folded if not unicodedata.combining(ch)]
    return " ".join("".join(kept).split())


def title_key(title: str) -> str:
    normalised = fold(title)
    digest = hashlib.sha1(normalised.encode("utf-8")).hexdigest()[:20]
    return f"title:{digest}"


def paper_key(arxiv_id: str | None, doi: str | None, title: str) -> str:
    if arxiv_id:
        return arxiv_id
    if doi:
        return f"doi:{doi}"
    return title_key(title)
