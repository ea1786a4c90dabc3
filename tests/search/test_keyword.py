"""Keyword search on both databases: found as soon as imported, weights, phrases, filters
before top-k, and hostile queries that must never raise nor reach FTS raw."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperwire.search import EmptyQuery, SearchRequest, search
from paperwire.search.fts import fts5_expression
from paperwire.search.query import parse_query

from .conftest import load, paper


def text_ids(db, query: str, **kwargs) -> list[str]:  # noqa: ANN001, ANN003
    return [h.id for h in search(db, SearchRequest(query, mode="text", **kwargs)).hits]


def test_found_by_words_as_soon_as_imported(corpus_db) -> None:
    assert text_ids(corpus_db, "quokka") == ["2503.00004"]
    load(corpus_db, [paper(4, "Wombat population dynamics", "Marsupials counted yearly.",
                           authors=["Charles Darwin"], categories=["q-bio.PE"])])
    assert text_ids(corpus_db, "quokka") == []  # the changed title left the index too
    assert text_ids(corpus_db, "wombat") == ["2503.00004"]


def test_title_outranks_abstract_and_stems_match(corpus_db) -> None:
    found = text_ids(corpus_db, "convolutional")
    assert found[:2] == ["2503.00001", "2503.00005"]
    assert "2503.00001" in text_ids(corpus_db, "convolution")  # stemmed on both engines


def test_authors_are_searchable_words(corpus_db) -> None:
    assert text_ids(corpus_db, "hopper") == ["2503.00003"]


def test_phrases_are_required_and_words_ranked(corpus_db) -> None:
    assert text_ids(corpus_db, '"structure protein"') == []  # not in this order
    assert text_ids(corpus_db, '"structure protein" sequences') == []
    assert text_ids(corpus_db, '"protein structure"') == ["2503.00002"]
    assert text_ids(corpus_db, '"protein folding"') == ["2503.00002"]
    assert set(text_ids(corpus_db, "quokka robot")) == {"2503.00003", "2503.00004"}


def test_query_filters_and_request_filters(corpus_db) -> None:
    assert text_ids(corpus_db, "robot author:hopper") == ["2503.00003"]
    assert text_ids(corpus_db, "robot author:lovelace") == []
    assert text_ids(corpus_db, 'robot author:"grace hopper" cat:cs.RO') == ["2503.00003"]
    assert text_ids(corpus_db, "robot cat:cs.CV") == []
    assert text_ids(corpus_db, "robot", since=date(2024, 6, 1), until=date(2024, 6, 1)) \
        == ["2503.00003"]
    assert text_ids(corpus_db, "robot", since=date(2024, 6, 2)) == []
    # filters alone list the matching papers, newest first
    assert text_ids(corpus_db, "author:darwin") == ["2503.00004"]


def test_author_filters_match_whole_words_of_the_names_only(db) -> None:
    """author: matches whole words of an author's name, in order, ignoring case (and
    accents on SQLite: PostgreSQL's tsvector keeps them); a word of the title or abstract
    is not an author."""
    load(db, [paper(1, "Compilers", "grace hopper wrote the first compiler",
                    authors=["Ada Lovelace"]),
              paper(2, "Debugging", "a moth in the relay", authors=["Grace Hopper", "Müller Ng"]),
              paper(3, "Grasshoppers", "insects", authors=["Ana Hopperton"])])

    def by(author: str) -> list[str]:
        return sorted(text_ids(db, f'author:"{author}"'))

    assert by("hopper") == ["2503.00002"]  # not Hopperton, not paper 1's abstract
    assert by("GRACE HOPPER") == by("grace   hopper") == ["2503.00002"]
    assert by("hopper grace") == []  # the words in order
    assert by("Müller") == by("MÜLLER NG") == ["2503.00002"]
    assert by("muller") == (["2503.00002"] if db.is_sqlite else [])
    assert by("hop") == []  # whole words: a prefix is not a name
    assert by("lovelace") == ["2503.00001"]
    assert by("%") == by("--") == []  # no word at all: nothing matches, nothing raises


def test_filters_apply_before_top_k(db) -> None:
    papers = [paper(n, f"Lemur study {n}", "lemur lemur lemur", categories=["cs.AI"])
              for n in range(1, 151)]
    papers += [paper(n, f"Lemur note {n}", "a lemur", categories=["cs.CL"])
               for n in range(151, 156)]
    load(db, papers)
    found = text_ids(db, "lemur", limit=5, categories=["cs.CL"])
    assert sorted(found) == [f"2503.{n:05d}" for n in range(151, 156)]


def test_empty_queries_are_refused_clearly(corpus_db) -> None:
    for query in ("", "   ", "\x00", "author:", "cat:"):
        with pytest.raises(EmptyQuery, match="type some words"):
            search(corpus_db, SearchRequest(query))


HOSTILE = [
    '"', '""', '"""', "'", "*", "quo*", "^quokka", "NEAR(quokka robot)", "quokka NEAR robot",
    "AND", "OR", "NOT", "quokka AND OR NOT", "(((", ")", "(quokka OR", "title:quokka",
    "quokka; DROP TABLE papers; --", "' OR 1=1 --", "%", "_", "\\", "-quokka", "+quokka",
    "quokka:*", "a & b | !c", "<->", "x" * 10_000, "quokka " * 2000, "🦘 quokka 🦘", "🦘",
    r"$\mathcal{O}(n^2)$ \frac{a}{b}", "author:\"", 'cat:"', "author:%", "cat:*",
    "\u0000quokka", "ｑｕｏｋｋａ", "İstanbul", "{}[]", "@@", "::", "NEAR/2", "\n\t\r",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(corpus_db, query: str) -> None:
    for mode in ("text", "hybrid"):
        try:
            results = search(corpus_db, SearchRequest(query, mode=mode))
        except EmptyQuery:
            continue
        assert isinstance(results.hits, list)


def test_the_drop_table_query_left_the_table_alone(corpus_db) -> None:
    search(corpus_db, SearchRequest("quokka; DROP TABLE papers; --", mode="text"))
    assert text_ids(corpus_db, "quokka") == ["2503.00004"]


def test_fts5_expression_quotes_every_term() -> None:
    expression = fts5_expression(parse_query('NEAR(a b) "x""y" OR c* ^d'))
    assert expression is not None
    for token in expression.replace("(", " ").replace(")", " ").split():
        assert token in ("OR", "AND") or (token.startswith('"') and token.endswith('"'))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_no_query_string_raises(corpus_db, query: str) -> None:
    try:
        search(corpus_db, SearchRequest(query, mode="text"))
    except EmptyQuery:
        assert not parse_query(query).has_terms
