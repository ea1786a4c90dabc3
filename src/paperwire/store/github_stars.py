"""GitHub stars: the history of observations per repository, and the papers' current count."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection


def repos_to_refresh(connection: Connection, limit: int) -> list[str]:
    """Repositories named by papers, never-checked first, then least recently checked."""
    rows = connection.execute(text(
        "SELECT r.repo FROM (SELECT DISTINCT github_repo AS repo FROM papers "
        "WHERE github_repo IS NOT NULL) r "
        "LEFT JOIN (SELECT repo, MAX(observed_at) AS last FROM github_stars_history "
        "GROUP BY repo) h ON h.repo = r.repo "
        "ORDER BY CASE WHEN h.last IS NULL THEN 0 ELSE 1 END, h.last, r.repo LIMIT :limit"),
        {"limit": limit}).all()
    return [row.repo for row in rows]


def last_observation(connection: Connection, repo: str) -> tuple[str, int] | None:
    row = connection.execute(text(
        "SELECT observed_at, stars FROM github_stars_history WHERE repo = :repo "
        "ORDER BY observed_at DESC LIMIT 1"), {"repo": repo}).first()
    return (row.observed_at, row.stars) if row else None


def record_stars(connection: Connection, repo: str, stars: int, now: str) -> int:
    """Add an observation and set the current count on the papers that name the repo.
    Returns how many papers changed. The count may fall: GitHub's figure is the truth."""
    connection.execute(text(
        "INSERT INTO github_stars_history (repo, observed_at, stars) VALUES (:repo, :now, :stars) "
        "ON CONFLICT (repo, observed_at) DO UPDATE SET stars = excluded.stars"),
        {"repo": repo, "now": now, "stars": stars})
    return connection.execute(text(
        "UPDATE papers SET github_stars = :stars, changed_at = :now WHERE github_repo = :repo "
        "AND (github_stars IS NULL OR github_stars <> :stars)"),
        {"repo": repo, "stars": stars, "now": now}).rowcount


def stars_history(connection: Connection, repo: str, since: str | None = None
                  ) -> list[tuple[str, int]]:
    rows = connection.execute(text(
        "SELECT observed_at, stars FROM github_stars_history WHERE repo = :repo "
        "AND observed_at >= :since ORDER BY observed_at"),
        {"repo": repo, "since": since or ""}).all()
    return [(r.observed_at, r.stars) for r in rows]
