"""What the store holds, counted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection


def collect_stats(connection: Connection) -> dict[str, Any]:
    one = lambda sql: connection.execute(text(sql)).scalar()  # noqa: E731
    top_categories = connection.execute(text(
        "SELECT category, COUNT(*) AS n FROM paper_categories WHERE is_primary "
        "GROUP BY category ORDER BY n DESC, category LIMIT 10")).all()
    listing_sources = connection.execute(text(
        "SELECT source, COUNT(*) AS n, COUNT(DISTINCT day) AS days FROM day_listings "
        "GROUP BY source ORDER BY source")).all()
    return {
        "papers": one("SELECT COUNT(*) FROM papers"),
        "arxiv_papers": one("SELECT COUNT(*) FROM papers WHERE arxiv_id IS NOT NULL"),
        "with_newer_versions": one("SELECT COUNT(*) FROM papers WHERE latest_version > 1"),
        "categories": one("SELECT COUNT(DISTINCT category) FROM paper_categories"),
        "day_listings": one("SELECT COUNT(*) FROM day_listings"),
        "listed_days": one("SELECT COUNT(DISTINCT day) FROM day_listings"),
        "first_published": one("SELECT MIN(published_at) FROM papers"),
        "last_published": one("SELECT MAX(published_at) FROM papers"),
        "with_github": one("SELECT COUNT(*) FROM papers WHERE github_repo IS NOT NULL"),
        "with_ai_summary": one("SELECT COUNT(*) FROM papers WHERE ai_summary IS NOT NULL"),
        "top_categories": [{"category": r.category, "papers": r.n} for r in top_categories],
        "listing_sources": [{"source": r.source, "listings": r.n, "days": r.days}
                            for r in listing_sources],
        "import_runs": one("SELECT COUNT(*) FROM import_runs"),
    }
