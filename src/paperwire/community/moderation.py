"""What admins do: decide submissions and claims, hide comments, feature papers. Every
action is written to the moderation log in the same transaction as the change."""

from __future__ import annotations

from ..store import Database
from ..store.claims import Claim, decide_claim
from ..store.comments import Comment, set_hidden
from ..store.featured import feature, unfeature
from ..store.moderation_log import log_action
from ..store.submissions import Submission, decide, list_paper
from ..store.users import User
from .clock import stamp


class NotAllowed(PermissionError):
    pass


def _admin(user: User | None) -> User:
    if user is None or not user.is_admin:
        raise NotAllowed("only admins can do that")
    return user


def decide_submission(db: Database, admin: User | None, submission_id: int,
                      approve: bool) -> Submission | None:
    """Approve (list it on its day) or reject; None if it was not waiting."""
    admin = _admin(admin)
    now = stamp()
    with db.write() as connection:
        decided = decide(connection, submission_id, "approved" if approve else "rejected",
                         admin.id, now)
        if decided is None:
            return None
        if approve:
            list_paper(connection, decided.paper_id, decided.day, decided.submitter, now)
        log_action(connection, admin.id, "approve submission" if approve else
                   "reject submission", decided.paper_id, now, f"submission {submission_id}")
    return decided


def decide_authorship(db: Database, admin: User | None, claim_id: int,
                      approve: bool) -> Claim | None:
    admin = _admin(admin)
    now = stamp()
    with db.write() as connection:
        decided = decide_claim(connection, claim_id, "approved" if approve else "rejected",
                               admin.id, now)
        if decided is not None:
            log_action(connection, admin.id, "approve claim" if approve else "reject claim",
                       decided.paper_id, now, f"claim {claim_id} by {decided.claimant}")
    return decided


def hide_comment(db: Database, admin: User | None, comment_id: int,
                 hidden: bool = True) -> Comment | None:
    admin = _admin(admin)
    now = stamp()
    with db.write() as connection:
        comment = set_hidden(connection, comment_id, hidden)
        if comment is not None:
            log_action(connection, admin.id, "hide comment" if hidden else "show comment",
                       comment.paper_id, now, f"comment {comment_id}")
    return comment


def feature_paper(db: Database, admin: User | None, day: str, paper_id: str,
                  featured: bool = True) -> bool:
    admin = _admin(admin)
    now = stamp()
    with db.write() as connection:
        changed = (feature(connection, day, paper_id, admin.id, now) if featured
                   else unfeature(connection, day, paper_id))
        if changed:
            log_action(connection, admin.id, "feature" if featured else "unfeature",
                       paper_id, now, f"on {day}")
    return changed
