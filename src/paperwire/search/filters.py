"""Filters (dates, categories, authors) as SQL over `papers p`, applied before any top-k."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


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

    def sql(self, alias: str = "p") -> tuple[list[str], dict[str, object]]:
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
            # LIKE wildcards in a name are literal: escape them.
            escaped = author.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append(f"LOWER({alias}.authors) LIKE :f_a{index} ESCAPE '\\'")
            params[f"f_a{index}"] = f"%{escaped}%"
        return where, params
