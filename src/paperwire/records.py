"""The normalised paper record every source yields and the store keeps.

Timestamps are ISO-8601 UTC strings ("2024-05-24T17:34:15Z") and days are "YYYY-MM-DD":
they sort correctly as text, and read the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone

from . import ids

MAX_TITLE_CHARS = 1_000
MAX_ABSTRACT_CHARS = 20_000
MAX_AUTHORS = 5_000
MAX_AUTHOR_CHARS = 300
MAX_FIELD_CHARS = 5_000

_CATEGORY = re.compile(r"^[A-Za-z][A-Za-z\-]*(?:\.[A-Za-z\-]+)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RecordError(ValueError):
    """A record cannot be stored; the message says why."""


@dataclass(slots=True)
class Version:
    version: int
    created: str | None = None
    # Title and abstract this version had, kept once a newer version replaced them.
    title: str | None = None
    abstract: str | None = None


@dataclass(slots=True)
class Listing:
    day: str
    source: str
    submitted_by: str | None = None
    submitted_at: str | None = None


@dataclass(slots=True)
class PaperRecord:
    title: str
    abstract: str = ""
    arxiv_id: str | None = None
    doi: str | None = None
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)  # primary category first
    published: str | None = None
    updated: str | None = None
    versions: list[Version] = field(default_factory=list)
    comments: str | None = None
    journal_ref: str | None = None
    report_no: str | None = None
    license: str | None = None
    submitter: str | None = None
    pdf_url: str | None = None
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    organization: str | None = None
    upvotes: int | None = None
    num_comments: int | None = None
    ai_summary: str | None = None
    ai_keywords: list[str] = field(default_factory=list)
    listings: list[Listing] = field(default_factory=list)

    @property
    def key(self) -> str:
        return ids.paper_key(self.arxiv_id, self.doi, self.title)

    @property
    def latest_version(self) -> int | None:
        return self.versions[-1].version if self.versions else None

    @property
    def primary_category(self) -> str | None:
        return self.categories[0] if self.categories else None


# --- cleaning helpers the format parsers share -------------------------------------------

def clean_text(value: object, *, limit: int = MAX_FIELD_CHARS, what: str = "field") -> str | None:
    """Collapse arXiv's hard line breaks and runs of spaces; drop control characters."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise RecordError(f"{what} is not text")
    if value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " ":
        text = value  # already clean (the usual case for short fields)
    else:
        text = " ".join(value.split())
        if not text.isprintable():  # rare: only then pay for the regex
            text = " ".join(_CONTROL.sub(" ", text).split())
    if len(text) > limit:
        raise RecordError(f"{what} is longer than {limit:,} characters")
    return text or None


def clean_title(value: object) -> str:
    title = clean_text(value, limit=MAX_TITLE_CHARS, what="title")
    if not title:
        raise RecordError("missing title")
    return title


def clean_abstract(value: object) -> str:
    return clean_text(value, limit=MAX_ABSTRACT_CHARS, what="abstract") or ""


def clean_authors(names: object) -> list[str]:
    if names is None:
        return []
    if not isinstance(names, list):
        raise RecordError("authors is not a list")
    if len(names) > MAX_AUTHORS:
        raise RecordError(f"more than {MAX_AUTHORS:,} authors")
    cleaned = []
    for name in names:
        if (type(name) is str and name.isprintable() and len(name) <= MAX_AUTHOR_CHARS
                and "  " not in name and name[:1] != " " and name[-1:] != " "):
            if name:  # already clean: the common case, so skip the general cleaner
                cleaned.append(name)
            continue
        text = clean_text(name, limit=MAX_AUTHOR_CHARS, what="author name")
        if text:
            cleaned.append(text)
    return cleaned


def clean_categories(raw: object) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        return list(_categories_from_text(raw))
    return list(_clean_category_list(raw))


@functools.lru_cache(maxsize=4096)
def _categories_from_text(raw: str) -> tuple[str, ...]:
    return _clean_category_list(raw.split())


def _clean_category_list(items: object) -> tuple[str, ...]:
    if not isinstance(items, list):
        raise RecordError("categories is neither text nor a list")
    seen: list[str] = []
    for item in items:
        if not isinstance(item, str) or not _CATEGORY.match(item) or len(item) > 40:
            raise RecordError(f"bad category {str(item)[:60]!r}")
        if item not in seen:
            seen.append(item)
    return tuple(seen)


def clean_count(value: object, what: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RecordError(f"{what} is not a number")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise RecordError(f"{what} is not a number: {str(value)[:40]!r}") from None
    if number < 0 or number > 10**12:
        raise RecordError(f"{what} out of range: {number}")
    return number


def clean_url(value: object, what: str) -> str | None:
    text = clean_text(value, limit=2_000, what=what)
    if text is None:
        return None
    if not text.lower().startswith(("https://", "http://")):
        raise RecordError(f"{what} is not an http(s) URL: {text[:80]!r}")
    return text


def clean_keywords(value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError("keywords is not a list")
    return [kw for kw in (clean_text(v, limit=200, what="keyword") for v in value) if kw]


def iso_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(value: object, what: str) -> str | None:
    """ISO-8601 in, normalised ISO-8601 UTC out; a bad value is the record's error."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RecordError(f"{what} is not a date: {str(value)[:40]!r}")
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise RecordError(f"bad {what}: {value[:40]!r}") from None
    if not 1990 <= moment.year <= 2200:
        raise RecordError(f"{what} out of range: {value[:40]!r}")
    return iso_utc(moment)


def parse_day(value: object, what: str = "day") -> str:
    if not isinstance(value, str):
        raise RecordError(f"bad {what}: {str(value)[:40]!r}")
    try:
        day = date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise RecordError(f"bad {what}: {value[:40]!r}") from None
    if not 1990 <= day.year <= 2200:
        raise RecordError(f"{what} out of range: {value[:40]!r}")
    return day.isoformat()


# --- merging a new observation of a paper into what is stored ----------------------------

_METADATA_FIELDS = ("title", "abstract", "doi", "comments", "journal_ref", "report_no",
                    "license", "submitter", "pdf_url", "updated")
_METADATA_LISTS = ("authors", "categories")
_COUNT_FIELDS = ("github_stars", "upvotes", "num_comments")
_FILLED_FIELDS = ("github_repo", "project_page", "organization", "ai_summary",
                  "ai_keywords")


def merge(stored: PaperRecord, incoming: PaperRecord) -> PaperRecord:
    """What the store should hold after seeing `incoming` for a paper it holds as `stored`.

    - Metadata comes from the newest arXiv version seen. A record that carries version
      information outranks one that does not (an HF listing never overwrites arXiv's own
      metadata); an outranked record only fills gaps.
    - Counts (votes, comments, stars) keep the highest observation; other community
      fields fill gaps. Versions and day listings accumulate.
    So re-reading any record already merged changes nothing: merge(merge(a, b), b) == merge(a, b).
    """
    result = replace(stored, versions=[replace(v) for v in stored.versions],
                     listings=list(stored.listings))
    stored_latest, incoming_latest = stored.latest_version, incoming.latest_version
    if incoming_latest is None:
        incoming_is_current = stored_latest is None
    else:
        incoming_is_current = stored_latest is None or incoming_latest >= stored_latest

    if incoming_latest is not None and stored_latest is not None and incoming_latest > stored_latest:
        _snapshot_replaced_version(result, stored)

    for name in _METADATA_FIELDS + _METADATA_LISTS:
        new = getattr(incoming, name)
        if new and (incoming_is_current or not getattr(result, name)):
            setattr(result, name, list(new) if isinstance(new, list) else new)
    for name in _COUNT_FIELDS:
        new, old = getattr(incoming, name), getattr(result, name)
        if new is not None and (old is None or new > old):
            setattr(result, name, new)
    for name in _FILLED_FIELDS:
        if getattr(incoming, name) and not getattr(result, name):
            value = getattr(incoming, name)
            setattr(result, name, list(value) if isinstance(value, list) else value)

    result.versions = _merge_versions(result.versions, incoming.versions)
    result.listings = _merge_listings(result.listings, incoming.listings)
    result.published = _earliest(result.published, incoming.published, result.versions)
    return result


def _snapshot_replaced_version(result: PaperRecord, stored: PaperRecord) -> None:
    for version in result.versions:
        if version.version == stored.latest_version and version.title is None:
            version.title = stored.title
            version.abstract = stored.abstract


def _merge_versions(stored: list[Version], incoming: list[Version]) -> list[Version]:
    by_number = {v.version: v for v in stored}
    for version in incoming:
        known = by_number.get(version.version)
        if known is None:
            by_number[version.version] = replace(version)
        elif version.created and not known.created:
            known.created = version.created
    return [by_number[n] for n in sorted(by_number)]


def _merge_listings(stored: list[Listing], incoming: list[Listing]) -> list[Listing]:
    by_key = {(x.day, x.source): x for x in stored}
    for listing in incoming:
        known = by_key.get((listing.day, listing.source))
        if known is None:
            by_key[(listing.day, listing.source)] = replace(listing)
        else:
            by_key[(listing.day, listing.source)] = replace(
                known,
                submitted_by=known.submitted_by or listing.submitted_by,
                submitted_at=known.submitted_at or listing.submitted_at)
    return [by_key[k] for k in sorted(by_key)]


def _earliest(a: str | None, b: str | None, versions: list[Version]) -> str | None:
    if versions and versions[0].version == 1 and versions[0].created:
        return versions[0].created
    known = [x for x in (a, b) if x]
    return min(known) if known else None


def normalised(record: PaperRecord) -> PaperRecord:
    """Canonical order for the parts whose order carries no meaning."""
    numbers = [v.version for v in record.versions]
    if numbers != sorted(set(numbers)):
        record.versions = _merge_versions([], record.versions)
    if len(record.listings) > 1:
        record.listings = _merge_listings([], record.listings)
    if record.versions and record.versions[0].version == 1 and record.versions[0].created:
        record.published = record.versions[0].created
    return record
