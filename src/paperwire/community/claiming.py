"""Claiming authorship: approved at once when the account's email is a known author
address of the paper, else left for an admin."""

from __future__ import annotations

from ..store import Database
from ..store.claims import Claim, add_claim, is_known_author
from ..store.moderation_log import log_action
from ..store.users import User
from .clock import stamp


def claim(db: Database, user: User, paper_id: str) -> Claim:
    now = stamp()
    with db.write() as connection:
        known = is_known_author(connection, paper_id, user.email)
        result = add_claim(connection, user.id, paper_id, "approved" if known else "pending", now)
        if known and result.created_at == now and result.status == "approved":
            log_action(connection, None, "auto-approve claim", paper_id, now,
                       f"claim {result.id}: {user.name}'s email is a known author address")
    return result
