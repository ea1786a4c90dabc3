"""Filters (dates, categories, authors) as SQL over `papers p`, applied before any top-k.

An author filter matches whole words of the author names, in order ("hopper", "grace
hopper"; case ignored, and accents on SQLite: PostgreSQL's tsvector keeps them), through the keyword index's authors column (FTS5's
column filter; PostgreSQL's tsvector narrowed by its GIN index, then checked on the names),
so it reads the matching papers only: a substring LIKE read every paper (6 s at 2.7M).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from .words import tokens


@dataclass
class Filters:
    since: date | None = None  # published on or after
    until: date | None = None  # published on or before (the whole day)
    categories: list[str] = field(default_factory=list)  # each must match
    authors: list[str] = field(default_factory=list)  # each must appear (case-insensitive)

    @property
    def any(self) -> bool:
        return bool(self.since or self.until or self.categories or self.authors)

    @property
    def needs_sql(self) -> bool:
        """Dates alone are also held by the vector index; the rest needs the database."""
        return bool(self.categories or self.authors)

    def date_bounds(self) -> tuple[str | None, str | None]:
        """[low, high) as ISO text, comparable with papers.published_at."""
        low = self.since.isoformat() if self.since else None
        high = (self.until + timedelta(days=1)).isoformat() if self.until else None
        return low, high

    def sql(self, alias: str, dialect: str) -> tuple[list[str], dict[str, object]]:
        """WHERE conditions over `papers {alias}` and their parameters, for the database
        `dialect` ("sqlite" or "postgresql")."""
        where: list[str] = []
        params: dict[str, object] = {}
        low, high = self.date_bounds()
        if low:
            where.append(f"{alias}.published_at >= :f_since")
            params["f_since"] = low
        if high:
            where.append(f"{alias}.published_at < :f_until")
            params["f_until"] = high
        for index, category in enumerate(self.categories):
            where.append(f"{alias}.id IN (SELECT paper_id FROM paper_categories "
                         f"WHERE category = :f_c{index})")
            params[f"f_c{index}"] = category
        for index, author in enumerate(self.authors):
            words = tokens(author)
            if not words:  # nothing a name could contain as a word
                where.append("1 = 0")
            elif dialect == "sqlite":
                where.append(f"{alias}.rowid IN (SELECT rowid FROM papers_fts "
                             f"WHERE papers_fts MATCH :f_a{index})")
                params[f"f_a{index}"] = f'authors : "{" ".join(words)}"'
            else:  # the authors' lexemes carry weight C (migration 0006)
                where.append(f"{alias}.search_vector @@ to_tsquery('simple', :f_a{index})")
                params[f"f_a{index}"] = " <-> ".join(f"'{word.lower()}':C" for word in words)
        return where, params
