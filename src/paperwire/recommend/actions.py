"""What a reader does to their profile, one transaction each: judge papers, save them,
seed from the map, write interests, follow, reset, and get a private feed token."""

from __future__ import annotations

from collections.abc import Sequence

from ..community.clock import stamp
from ..store import Database
from ..store import user_follows, user_interests, user_models, user_profiles, user_signals
from ..store.collections import add_item, create_collection
from ..store.papers import get_paper
from .profile import load_profile

SAVED_COLLECTION = "Saved"


class UnknownPaper(LookupError):
    pass


def _known(connection, paper_ids: Sequence[str]) -> list[str]:  # noqa: ANN001
    found = [p for p in dict.fromkeys(paper_ids) if isinstance(p, str) and len(p) <= 300
             and get_paper(connection, p) is not None]
    if not found:
        raise UnknownPaper("We have none of those papers.")
    return found


def not_interested(db: Database, user_id: int, paper_id: str) -> None:
    with db.write() as connection:
        _known(connection, [paper_id])
        user_signals.forget(connection, user_id, paper_id, user_signals.POSITIVE_KINDS)
        user_signals.record(connection, user_id, [paper_id], "not_interested", stamp())


def save(db: Database, user_id: int, paper_id: str) -> int:
    """Into the reader's private "Saved" collection (a positive, like any collection)."""
    with db.write() as connection:
        _known(connection, [paper_id])
        user_signals.forget(connection, user_id, paper_id, user_signals.NEGATIVE_KINDS)
        collection = create_collection(connection, user_id, SAVED_COLLECTION, False, stamp())
        add_item(connection, collection.id, paper_id, stamp())
        return collection.id


def seed(db: Database, user_id: int, paper_ids: Sequence[str]) -> int:
    """Papers picked on the map: positives to start from."""
    with db.write() as connection:
        found = _known(connection, list(paper_ids)[:50])
        return user_signals.record(connection, user_id, found, "seeded", stamp())


def opened(db: Database, user_id: int, paper_id: str) -> None:
    """Opened from a digest: a (weak) positive."""
    with db.write() as connection:
        _known(connection, [paper_id])
        user_signals.record(connection, user_id, [paper_id], "opened", stamp())


def skipped(db: Database, user_id: int, shown: Sequence[str]) -> int:
    """Shown on the feed and passed over: the ones the reader did nothing with."""
    profile = load_profile(db, user_id)
    judged = set(profile.latest())
    with db.write() as connection:
        fresh = [p for p in dict.fromkeys(shown) if p not in judged][:100]
        return user_signals.record(connection, user_id, _known(connection, fresh), "skipped",
                                   stamp()) if fresh else 0


def forget(db: Database, user_id: int, paper_id: str) -> None:
    """Undo "not interested", "skipped", "seeded" and "opened" for a paper."""
    with db.write() as connection:
        user_signals.forget(connection, user_id, paper_id, user_signals.KINDS)


def add_interest(db: Database, user_id: int, interest: str) -> bool:
    with db.write() as connection:
        return user_interests.add(connection, user_id, interest, stamp())


def remove_interest(db: Database, user_id: int, interest: str) -> bool:
    with db.write() as connection:
        return user_interests.remove(connection, user_id, interest)


def follow(db: Database, user_id: int, kind: str, value: str) -> bool:
    with db.write() as connection:
        return user_follows.follow(connection, user_id, kind, value, stamp())


def unfollow(db: Database, user_id: int, kind: str, value: str) -> bool:
    with db.write() as connection:
        return user_follows.unfollow(connection, user_id, kind, value)


def reset(db: Database, user_id: int) -> None:
    """Start again: signals, interests, follows and the model go; votes and collections
    stay (they are the reader's) but no longer teach the model."""
    with db.write() as connection:
        user_signals.clear(connection, user_id)
        user_interests.clear(connection, user_id)
        user_follows.clear(connection, user_id)
        user_models.delete(connection, user_id)
        user_profiles.mark_reset(connection, user_id, stamp())


def new_feed_token(db: Database, user_id: int) -> str:
    with db.write() as connection:
        return user_profiles.new_feed_token(connection, user_id, stamp())


def user_for_feed_token(db: Database, token: str) -> int | None:
    with db.read() as connection:
        return user_profiles.user_for_feed_token(connection, token)
