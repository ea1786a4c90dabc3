"""The digest uses the For you recommender for a subscriber who is a signed-in reader (same
email); other subscribers get interest matches as before."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from paperwire.digest.compose import Composer
from paperwire.digest.preferences import Preferences
from paperwire.recommend import actions
from paperwire.recommend.digest import DigestRecommender
from paperwire.store.users import ensure_user

from .test_feed import _topic_of
from .conftest import paper_id


def test_a_readers_digest_picks_come_from_their_model(foryou_db, config) -> None:
    with foryou_db.write() as connection:
        reader = ensure_user(connection, "reader@example.org", "2026-11-01T00:00:00Z").id
    for index in range(3):
        actions.save(foryou_db, reader, paper_id("speech", index))
    now = datetime.now(timezone.utc)
    week = (now - timedelta(days=1)).strftime("%G-W%V")
    composer = Composer(foryou_db, now=now, recommender=DigestRecommender(foryou_db, config))
    preferences = Preferences(count=6)
    digest = composer.compose(1, "reader@example.org", preferences, week)
    assert digest.picks, digest
    assert all(p.reason.startswith("for you: ") for p in digest.picks)
    assert {_topic_of(p.card.id) for p in digest.picks} == {"speech"}
    other = composer.compose(2, "stranger@example.org", preferences, week)
    assert not other.picks and other.trending
