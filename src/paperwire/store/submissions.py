"""Papers people submit to a day's list: pending (waiting for an admin), approved (listed,
as a day_listings row with source 'submission') or rejected."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection, Row

SOURCE = "submission"
_SELECT = ("SELECT s.id, s.paper_id, s.user_id, s.day, s.status, s.created_at, s.decided_at, "
           "u.name AS submitter, p.title FROM submissions s JOIN users u ON u.id = s.user_id "
           "JOIN papers p ON p.id = s.paper_id")


@dataclass
class Submission:
    id: int
    paper_id: str
    user_id: int
    day: str
    status: str
    created_at: str
    decided_at: str | None
    submitter: str
    title: str


def _submission(row: Row) -> Submission:
    return Submission(row.id, row.paper_id, row.user_id, row.day, row.status, row.created_at,
                      row.decided_at, row.submitter, row.title)


def is_listed(connection: Connection, paper_id: str) -> bool:
    return connection.execute(text("SELECT 1 FROM day_listings WHERE paper_id = :id LIMIT 1"),
                              {"id": paper_id}).first() is not None


def is_pending(connection: Connection, paper_id: str) -> bool:
    return connection.execute(text(
        "SELECT 1 FROM submissions WHERE paper_id = :id AND status = 'pending' LIMIT 1"),
        {"id": paper_id}).first() is not None


def submitted_since(connection: Connection, user_id: int, since: str) -> int:
    return connection.execute(text(
        "SELECT COUNT(*) FROM submissions WHERE user_id = :user AND created_at >= :since"),
        {"user": user_id, "since": since}).scalar_one()


def approved_count(connection: Connection, user_id: int) -> int:
    return connection.execute(text(
        "SELECT COUNT(*) FROM submissions WHERE user_id = :user AND status = 'approved'"),
        {"user": user_id}).scalar_one()


def add_submission(connection: Connection, paper_id: str, user_id: int, day: str, status: str,
                   now: str) -> int:
    return connection.execute(text(
        "INSERT INTO submissions (paper_id, user_id, day, status, created_at) "
        "VALUES (:paper, :user, :day, :status, :now) RETURNING id"),
        {"paper": paper_id, "user": user_id, "day": day, "status": status,
         "now": now}).scalar_one()


def list_paper(connection: Connection, paper_id: str, day: str, submitter: str,
               now: str) -> None:
    connection.execute(text(
        "INSERT INTO day_listings (day, paper_id, source, submitted_by, submitted_at) "
        "VALUES (:day, :paper, :source, :by, :now) ON CONFLICT DO NOTHING"),
        {"day": day, "paper": paper_id, "source": SOURCE, "by": submitter, "now": now})


def get_submission(connection: Connection, submission_id: int) -> Submission | None:
    row = connection.execute(text(_SELECT + " WHERE s.id = :id"), {"id": submission_id}).first()
    return _submission(row) if row else None


def decide(connection: Connection, submission_id: int, status: str, admin_id: int,
           now: str) -> Submission | None:
    """Approve or reject a pending submission; None if it is not pending."""
    changed = connection.execute(text(
        "UPDATE submissions SET status = :status, decided_by = :admin, decided_at = :now "
        "WHERE id = :id AND status = 'pending'"),
        {"status": status, "admin": admin_id, "now": now, "id": submission_id}).rowcount
    return get_submission(connection, submission_id) if changed else None


def pending_submissions(connection: Connection) -> list[Submission]:
    return [_submission(r) for r in connection.execute(
        text(_SELECT + " WHERE s.status = 'pending' ORDER BY s.id"))]


def submissions_by(connection: Connection, user_id: int, limit: int = 50) -> list[Submission]:
    return [_submission(r) for r in connection.execute(
        text(_SELECT + " WHERE s.user_id = :user ORDER BY s.id DESC LIMIT :limit"),
        {"user": user_id, "limit": limit})]
