"""Authorship claims: a person says they wrote a paper. Approved at once when their email
is a known author address of the paper (author_emails), else pending for an admin."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection, Row

_SELECT = ("SELECT c.id, c.user_id, c.paper_id, c.status, c.created_at, u.name AS claimant, "
           "u.email, p.title FROM claims c JOIN users u ON u.id = c.user_id "
           "JOIN papers p ON p.id = c.paper_id")


@dataclass
class Claim:
    id: int
    user_id: int
    paper_id: str
    status: str
    created_at: str
    claimant: str
    email: str
    title: str


def _claim(row: Row) -> Claim:
    return Claim(row.id, row.user_id, row.paper_id, row.status, row.created_at, row.claimant,
                 row.email, row.title)


def add_author_email(connection: Connection, paper_id: str, email: str) -> None:
    connection.execute(text("INSERT INTO author_emails (email, paper_id) VALUES (:email, :paper) "
                            "ON CONFLICT DO NOTHING"), {"email": email, "paper": paper_id})


def is_known_author(connection: Connection, paper_id: str, email: str) -> bool:
    return connection.execute(text(
        "SELECT 1 FROM author_emails WHERE paper_id = :paper AND email = :email"),
        {"paper": paper_id, "email": email}).first() is not None


def claim_of(connection: Connection, user_id: int, paper_id: str) -> Claim | None:
    row = connection.execute(text(_SELECT + " WHERE c.user_id = :user AND c.paper_id = :paper"),
                             {"user": user_id, "paper": paper_id}).first()
    return _claim(row) if row else None


def add_claim(connection: Connection, user_id: int, paper_id: str, status: str,
              now: str) -> Claim:
    """The person's claim on the paper (an existing one is kept as it is)."""
    connection.execute(text(
        "INSERT INTO claims (user_id, paper_id, status, created_at) "
        "VALUES (:user, :paper, :status, :now) ON CONFLICT (user_id, paper_id) DO NOTHING"),
        {"user": user_id, "paper": paper_id, "status": status, "now": now})
    claim = claim_of(connection, user_id, paper_id)
    assert claim is not None
    return claim


def decide_claim(connection: Connection, claim_id: int, status: str, admin_id: int,
                 now: str) -> Claim | None:
    changed = connection.execute(text(
        "UPDATE claims SET status = :status, decided_by = :admin, decided_at = :now "
        "WHERE id = :id AND status = 'pending'"),
        {"status": status, "admin": admin_id, "now": now, "id": claim_id}).rowcount
    if not changed:
        return None
    row = connection.execute(text(_SELECT + " WHERE c.id = :id"), {"id": claim_id}).first()
    return _claim(row)


def pending_claims(connection: Connection) -> list[Claim]:
    return [_claim(r) for r in connection.execute(
        text(_SELECT + " WHERE c.status = 'pending' ORDER BY c.id"))]


def claimed_papers(connection: Connection, user_id: int) -> list[str]:
    """Ids of the papers the person's approved claims cover, newest claim first."""
    return list(connection.execute(text(
        "SELECT paper_id FROM claims WHERE user_id = :user AND status = 'approved' "
        "ORDER BY id DESC"), {"user": user_id}).scalars())
