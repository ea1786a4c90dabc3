"""Matching a subscriber's interests (plain words) to papers.

`InterestMatcher` is the seam: `KeywordMatcher` matches words now; `SemanticMatcher` asks
the search feature for similarities by meaning when `paperwire.search.text_similarities`
exists (`matcher_for` picks it). Both return, per paper, the best score and the interest
that earned it, so the digest can say why a paper is there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

_WORD = re.compile(r"[a-z0-9][a-z0-9+#-]*")
_STOP = frozenset("""a an and are as at be by for from how in into is it of on or over the
their this to using via vs what when with without your""".split())


@dataclass(frozen=True)
class Match:
    score: float  # 0..1
    interest: str


class MatchablePaper(Protocol):
    id: str
    title: str
    abstract: str
    ai_keywords: list[str]


class InterestMatcher(Protocol):
    def match(self, interests: Sequence[str], papers: Sequence[MatchablePaper]
              ) -> dict[str, Match]:
        """The papers that match some interest: paper id -> best match."""


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def terms(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP))


class KeywordMatcher:
    """Every word of an interest counts: twice in the title, once in the abstract or
    keywords. A paper matches when nearly all the words appear (all of up to two, two of
    three, …) and it scores at least `threshold` of the best possible.
    Each paper's words are read once and kept for the whole run."""

    def __init__(self, threshold: float = 0.5):
        self.threshold = threshold
        self._title: dict[str, frozenset[str]] = {}
        self._body: dict[str, frozenset[str]] = {}

    def _words(self, paper: MatchablePaper) -> tuple[frozenset[str], frozenset[str]]:
        if paper.id not in self._title:
            self._title[paper.id] = frozenset(terms(paper.title))
            self._body[paper.id] = frozenset(
                terms(paper.abstract + " " + " ".join(paper.ai_keywords)))
        return self._title[paper.id], self._body[paper.id]

    def match(self, interests: Sequence[str], papers: Sequence[MatchablePaper]
              ) -> dict[str, Match]:
        wanted = [(interest, terms(interest)) for interest in interests]
        found: dict[str, Match] = {}
        for paper in papers:
            title, body = self._words(paper)
            best: Match | None = None
            for interest, words in wanted:
                if not words:
                    continue
                points = [2 if w in title else 1 if w in body else 0 for w in words]
                if sum(1 for p in points if p) < len(words) - len(words) // 3:
                    continue  # most words of the interest must appear
                score = sum(points) / (2 * len(words))
                if score >= self.threshold and (best is None or score > best.score):
                    best = Match(score, interest)
            if best is not None:
                found[paper.id] = best
        return found


class SemanticMatcher:
    """Similarity by meaning from the search feature's embeddings; one call per interest
    per run (kept), scores at or above `threshold` match."""

    def __init__(self, similarities, db, config, threshold: float = 0.5):  # noqa: ANN001
        self._similarities, self._db, self._config = similarities, db, config
        self.threshold = threshold
        self._cache: dict[tuple[str, tuple[str, ...]], dict[str, float]] = {}

    def match(self, interests: Sequence[str], papers: Sequence[MatchablePaper]
              ) -> dict[str, Match]:
        ids = tuple(sorted(p.id for p in papers))
        found: dict[str, Match] = {}
        for interest in interests:
            key = (interest, ids)
            if key not in self._cache:
                self._cache[key] = self._similarities(self._db, self._config, interest, list(ids))
            for paper_id, score in self._cache[key].items():
                if score >= self.threshold and (paper_id not in found
                                                or score > found[paper_id].score):
                    found[paper_id] = Match(float(score), interest)
        return found


def matcher_for(db, config) -> InterestMatcher:  # noqa: ANN001
    """Meaning when the search feature offers it, words otherwise."""
    try:
        from .. import search
    except ImportError:  # pragma: no cover - search is part of the package
        search = None
    similarities = getattr(search, "text_similarities", None)
    if similarities is not None:
        return SemanticMatcher(similarities, db, config)
    return KeywordMatcher()


def phrase_text(text: str) -> str:
    """Words in order, spaced, for whole-phrase keyword tests."""
    return " " + " ".join(_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP) + " "


def keyword_hit(keywords: Iterable[str], paper_phrase_text: str) -> str | None:
    """The first keyword whose words appear, in order, in the paper's phrase text."""
    for keyword in keywords:
        words = phrase_text(keyword)
        if words.strip() and words in paper_phrase_text:
            return keyword
    return None
