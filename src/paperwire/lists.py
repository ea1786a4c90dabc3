"""The lists people browse: a period's daily papers, the trending papers, a category's
newest papers, an author's papers, each sorted and paged. The web pages, the JSON API and
the feeds all read these, and so can any Python caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from .author_keys import author_key
from .periods import Period
from .rank import trending as trending_score
from .store import Database, paper_authors
from .store.daily import (
    ListedPaper, PaperCard, latest_day, listed_in, newest_in_category, ordered_cards,
)
from .store.star_rates import stars_per_hour

SORTS = ("trending", "publishedAt")
WINDOWS = {"day": 1, "week": 7, "month": 30}


@dataclass
class Entry:
    card: PaperCard
    why: str | None = None  # the trending breakdown, in one line
    score: float | None = None
    reasons: list[str] = field(default_factory=list)  # why a search matched it


@dataclass
class PaperList:
    entries: list[Entry]
    total: int
    offset: int
    limit: int
    first: date | None = None  # the span of listing days it covers, when it has one
    last: date | None = None

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.entries) < self.total


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=timezone.utc)


def parse_moment(value: str) -> datetime:
    """A stored timestamp ("2024-05-24T17:34:15Z") or day ("2024-05-24") as a UTC datetime."""
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), time.min, tzinfo=timezone.utc)
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def current_day(db: Database, today: date | None = None) -> date | None:
    """The day "today's papers" shows: the latest listed day not after today."""
    today = today or utc_now().date()
    with db.read() as connection:
        return latest_day(connection, today)


def daily(db: Database, period: Period, *, sort: str = "trending", limit: int = 50,
          offset: int = 0, submitter: str | None = None,
          gravity: float = trending_score.DEFAULT_GRAVITY,
          now: datetime | None = None) -> PaperList:
    """The papers listed in `period`: by trending score (as of the end of the period, or
    now if sooner) or newest publication first."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    reference = min(now or utc_now(), end_of(period.end))
    with db.read() as connection:
        listed = listed_in(connection, period.start, period.end, submitter=submitter)
        if sort == "trending":
            page = _ranked(listed, reference, gravity, connection)[offset:offset + limit]
        else:
            listed.sort(key=lambda p: p.id)
            listed.sort(key=lambda p: p.published or "", reverse=True)
            page = [(paper, None) for paper in listed[offset:offset + limit]]
        entries = _entries(connection, page)
    return PaperList(entries, len(listed), offset, limit, period.start, period.end)


def trending(db: Database, window: str = "week", *, limit: int = 50, offset: int = 0,
             gravity: float = trending_score.DEFAULT_GRAVITY,
             now: datetime | None = None) -> PaperList:
    """The papers listed in the last day, week or month (ending on the latest listed day
    up to now), highest trending score first, each with its one-line breakdown."""
    if window not in WINDOWS:
        raise ValueError(f"unknown window {window!r}: use one of {', '.join(WINDOWS)}")
    now = now or utc_now()
    with db.read() as connection:
        last = latest_day(connection, now.date())
        if last is None:
            return PaperList([], 0, offset, limit)
        first = last - timedelta(days=WINDOWS[window] - 1)
        listed = listed_in(connection, first, last)
        ranked = _ranked(listed, min(now, end_of(last)), gravity, connection)
        entries = _entries(connection, ranked[offset:offset + limit])
    return PaperList(entries, len(listed), offset, limit, first, last)


def recent(db: Database, days: int = 7, *, limit: int = 100,
           now: datetime | None = None) -> PaperList:
    """The papers listed in the last `days` listed-up-to days, newest listing first (then
    most votes): what a daily feed carries."""
    now = now or utc_now()
    with db.read() as connection:
        last = latest_day(connection, now.date())
        if last is None:
            return PaperList([], 0, 0, limit)
        first = last - timedelta(days=days - 1)
        listed = listed_in(connection, first, last)
        listed.sort(key=lambda p: p.id)
        listed.sort(key=lambda p: (p.day, p.votes), reverse=True)
        entries = _entries(connection, [(paper, None) for paper in listed[:limit]])
    return PaperList(entries, len(listed), 0, limit, first, last)


def category(db: Database, name: str, *, limit: int = 50, offset: int = 0) -> PaperList:
    """The newest papers in a category, by publication date."""
    with db.read() as connection:
        ids, total = newest_in_category(connection, name, limit=limit, offset=offset)
        entries = [Entry(card) for card in ordered_cards(connection, ids)]
    return PaperList(entries, total, offset, limit)


@dataclass
class AuthorPapers(PaperList):
    """An author's papers, newest first; `first` and `last` are their publication days."""

    name: str = ""  # as written on their newest paper
    key: str = ""


def by_author(db: Database, name: str, *, limit: int = 50, offset: int = 0
              ) -> AuthorPapers | None:
    """The papers of the author written `name` (matched by paperwire.author_keys), newest
    publication first; None when there are none."""
    key = author_key(name)
    if not key:
        return None
    with db.read() as connection:
        found = paper_authors.summary(connection, key)
        if found is None:
            return None
        ids = paper_authors.newest_papers(connection, key, limit=limit, offset=offset)
        entries = [Entry(card) for card in ordered_cards(connection, ids)]
    return AuthorPapers(entries, found.papers, offset, limit, _day(found.first_published),
                        _day(found.last_published), name=found.name, key=key)


def _day(value: str | None) -> date | None:
    return parse_moment(value).date() if value else None


def _ranked(listed: list[ListedPaper], reference: datetime, gravity: float,
            connection=None) -> list[tuple[ListedPaper, trending_score.Breakdown]]:  # noqa: ANN001
    by_id = {paper.id: paper for paper in listed}
    rates = stars_per_hour(connection, [p.github_repo for p in listed if p.github_repo],
                           reference) if connection is not None else {}
    ranked = trending_score.rank(
        ((paper.id, trending_score.Signals(paper.votes, paper.comments, paper.stars,
                                           parse_moment(paper.listed_at),
                                           rates.get(paper.github_repo or "")))
         for paper in listed), reference, gravity)
    return [(by_id[key], breakdown) for key, breakdown in ranked]


def _entries(connection, page) -> list[Entry]:  # noqa: ANN001
    """Cards for a page of (listed paper, breakdown or None), keeping the page's order and
    the listing the span saw."""
    cards = ordered_cards(connection, [paper.id for paper, _ in page], with_listing=False)
    listed = {paper.id: (paper, breakdown) for paper, breakdown in page}
    entries = []
    for card in cards:
        paper, breakdown = listed[card.id]
        card.listed_day, card.listed_at, card.submitted_by = (
            paper.day, paper.listed_at, paper.submitted_by)
        entries.append(Entry(card, why=breakdown.why() if breakdown else None,
                             score=breakdown.score if breakdown else None))
    return entries
