"""The recommender over real embeddings: cold start from interests and follows, learning
from saves and "not interested", the cached model (trained only when signals change),
explanations; on SQLite and PostgreSQL."""

from __future__ import annotations

from paperwire.recommend import actions
from paperwire.recommend.feed import recommend
from paperwire.store import Database
from paperwire.store.users import ensure_user

from .conftest import TOPICS, paper_id


def _user(db: Database, email: str = "reader@example.org") -> int:
    with db.write() as connection:
        return ensure_user(connection, email, "2026-11-01T00:00:00Z").id


def _topic_of(card_id: str) -> str:
    index = int(card_id.split(".")[1]) - 1
    return list(TOPICS)[index // 8]


def test_a_new_reader_gets_newest_papers_without_personal_reasons(foryou_db, config) -> None:
    user = _user(foryou_db)
    feed = recommend(foryou_db, config, user, limit=5)
    assert len(feed.items) == 5 and not feed.personal
    assert feed.candidates == 24


def test_an_interest_in_plain_words_ranks_its_topic_first_and_says_so(foryou_db, config) -> None:
    user = _user(foryou_db)
    actions.add_interest(foryou_db, user, "speech and audio")
    feed = recommend(foryou_db, config, user, limit=5)
    assert feed.personal
    assert [_topic_of(i.card.id) for i in feed.items] == ["speech"] * 5
    assert "matches your interest 'speech and audio'" in feed.items[0].reasons


def test_saved_papers_teach_the_model_and_explanations_name_them(foryou_db, config) -> None:
    user = _user(foryou_db)
    for index in range(3):
        actions.save(foryou_db, user, paper_id("proteins", index))
    feed = recommend(foryou_db, config, user, limit=5)
    assert feed.trained_now
    assert [_topic_of(i.card.id) for i in feed.items] == ["proteins"] * 5
    assert all(i.card.id not in {paper_id("proteins", k) for k in range(3)} for i in feed.items)
    reasons = " | ".join(r for i in feed.items for r in i.reasons)
    assert "in your library: “" in reasons
    # the second request reads the cached model: nothing changed, nothing trained
    again = recommend(foryou_db, config, user, limit=5)
    assert not again.trained_now
    assert [i.card.id for i in again.items] == [i.card.id for i in feed.items]
    # a new signal retrains once
    actions.not_interested(foryou_db, user, feed.items[0].card.id)
    third = recommend(foryou_db, config, user, limit=5)
    assert third.trained_now and feed.items[0].card.id not in [i.card.id for i in third.items]


def test_follows_bring_authors_and_categories_with_reasons(foryou_db, config) -> None:
    user = _user(foryou_db)
    actions.follow(foryou_db, user, "author", "Vera Vision")
    actions.follow(foryou_db, user, "category", "eess.AS")
    feed = recommend(foryou_db, config, user, limit=24)
    by_id = {i.card.id: i for i in feed.items}
    vera = by_id[paper_id("vision", 0)]
    assert "by an author you follow: Vera Vision" in vera.reasons
    assert "new in eess.AS, which you follow" in by_id[paper_id("speech", 1)].reasons
    top = [_topic_of(i.card.id) for i in feed.items[:12]]
    assert "proteins" not in top


def test_a_followed_author_matches_as_author_pages_do(foryou_db, config) -> None:
    """Followed names match ignoring case and accents (the author page's key), and only
    whole names: following "Vera" brings nobody's papers."""
    user = _user(foryou_db)
    actions.follow(foryou_db, user, "author", "VÉRA  vision")
    feed = recommend(foryou_db, config, user, limit=24)
    vera = {i.card.id: i for i in feed.items}[paper_id("vision", 0)]
    assert "by an author you follow: Vera Vision" in vera.reasons
    other = _user(foryou_db, "other@example.org")
    actions.follow(foryou_db, other, "author", "Vera")
    assert not any("author you follow" in " ".join(i.reasons)
                   for i in recommend(foryou_db, config, other, limit=24).items)


def test_reset_forgets_everything_but_keeps_votes_out_of_the_model(foryou_db, config) -> None:
    user = _user(foryou_db)
    actions.save(foryou_db, user, paper_id("vision", 0))
    actions.add_interest(foryou_db, user, "proteins")
    actions.follow(foryou_db, user, "category", "cs.CV")
    actions.reset(foryou_db, user)
    feed = recommend(foryou_db, config, user, limit=5)
    assert not feed.personal


def test_hostile_input_is_refused_or_tidied(foryou_db, config) -> None:
    user = _user(foryou_db)
    assert not actions.follow(foryou_db, user, "category", "cs.CV'; DROP TABLE papers;--")
    assert not actions.follow(foryou_db, user, "planet", "Mars")
    assert not actions.add_interest(foryou_db, user, "\r\n\t ")
    assert actions.add_interest(foryou_db, user, "x" * 10_000 + "\u0000")
    assert actions.follow(foryou_db, user, "author", 'A "quoted" %_ name\\')
    feed = recommend(foryou_db, config, user, limit=3)
    assert len(feed.items) == 3
