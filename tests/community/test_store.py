"""The community store on SQLite and PostgreSQL: tokens kept as hashes and redeemed once
(also by many at once), counters that always equal the rows they count."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import text

from paperwire.community.clock import stamp
from paperwire.store.comments import add_comment, count_visible, delete_comment, set_hidden
from paperwire.store.login_tokens import create_token, redeem_token
from paperwire.store.users import ensure_user
from paperwire.store.votes import add_vote, count_votes, remove_vote

from ..web.conftest import load

PAPER = "2502.00001"


def test_tokens_are_hashed_single_use_and_expire(db) -> None:  # noqa: ANN001
    with db.write() as connection:
        token = create_token(connection, "a@example.org", "2025-01-01T00:00:00Z",
                             "2025-01-01T00:15:00Z")
        late = create_token(connection, "b@example.org", "2025-01-01T00:00:00Z",
                            "2025-01-01T00:15:00Z")
        stored = connection.execute(text("SELECT token_hash FROM login_tokens")).scalars().all()
    assert token not in stored and late not in stored and len(stored[0]) == 64
    with db.write() as connection:
        assert redeem_token(connection, late, "2025-01-01T00:15:00Z") is None  # expired
        assert redeem_token(connection, "nonsense", "2025-01-01T00:01:00Z") is None
        assert redeem_token(connection, token, "2025-01-01T00:01:00Z") == "a@example.org"
        assert redeem_token(connection, token, "2025-01-01T00:02:00Z") is None


def test_one_token_redeemed_by_twenty_at_once_works_once(db) -> None:  # noqa: ANN001
    with db.write() as connection:
        token = create_token(connection, "a@example.org", stamp(), "2999-01-01T00:00:00Z")

    def redeem(_: int) -> str | None:
        with db.write() as connection:
            return redeem_token(connection, token, stamp())
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(redeem, range(20)))
    assert results.count("a@example.org") == 1 and results.count(None) == 19


actions = st.lists(st.tuples(st.sampled_from(["vote", "unvote", "comment", "delete", "hide",
                                              "show"]), st.integers(0, 3), st.integers(0, 5)),
                   max_size=40)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=actions)
def test_counters_always_equal_the_rows(db, steps) -> None:  # noqa: ANN001
    with db.write() as connection:
        connection.execute(text("DELETE FROM comments"))
        connection.execute(text("DELETE FROM votes"))
        connection.execute(text("UPDATE papers SET vote_count = 0, comment_count = 0"))
    if not _has_paper(db):
        load(db)
    now = stamp()
    with db.write() as connection:
        users = [ensure_user(connection, f"u{i}@example.org", now).id for i in range(4)]
    comments: list[int] = []
    for action, who, which in steps:
        with db.write() as connection:
            if action == "vote":
                add_vote(connection, users[who], PAPER, now)
            elif action == "unvote":
                remove_vote(connection, users[who], PAPER)
            elif action == "comment":
                comments.append(add_comment(connection, PAPER, users[who], "hi", now))
            elif comments and action == "delete":
                delete_comment(connection, comments[which % len(comments)], users[who])
            elif comments:
                set_hidden(connection, comments[which % len(comments)], action == "hide")
    with db.read() as connection:
        row = connection.execute(text("SELECT vote_count, comment_count FROM papers "
                                      "WHERE id = :id"), {"id": PAPER}).one()
        assert row.vote_count == count_votes(connection, PAPER)
        assert row.comment_count == count_visible(connection, PAPER)


def _has_paper(db) -> bool:  # noqa: ANN001
    with db.read() as connection:
        return connection.execute(text("SELECT 1 FROM papers WHERE id = :id"),
                                  {"id": PAPER}).first() is not None
