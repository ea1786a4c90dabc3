"""Matching a subscriber's interests (plain words) to papers.

`InterestMatcher` is the seam: `KeywordMatcher` matches words now; `SemanticMatcher` asks
the search feature for similarities by meaning when `paperwire.search.text_similarities`
exists (`matcher_for` picks it). Both return, per paper, the best score and the interest
that earned it, so the digest can say why a paper is there.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger("paperwire.digest")
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
        self._interest_terms: dict[str, tuple[str, ...]] = {}
        self._matches: dict[tuple[str, tuple[str, ...]], dict[str, float]] = {}

    def _terms(self, interest: str) -> tuple[str, ...]:
        if interest not in self._interest_terms:
            self._interest_terms[interest] = terms(interest)
        return self._interest_terms[interest]

    def _words(self, paper: MatchablePaper) -> tuple[frozenset[str], frozenset[str]]:
        if paper.id not in self._title:
            self._title[paper.id] = frozenset(terms(paper.title))
            self._body[paper.id] = frozenset(
                terms(paper.abstract + " " + " ".join(paper.ai_keywords)))
        return self._title[paper.id], self._body[paper.id]

    def _scores(self, interest: str, papers: Sequence[MatchablePaper],
                ids: tuple[str, ...]) -> dict[str, float]:
        """The papers one interest matches, with scores; kept per (interest, papers), as
        many subscribers share interests and a run shares its papers."""
        key = (interest, ids)
        if key not in self._matches:
            words = self._terms(interest)
            scores: dict[str, float] = {}
            for paper in papers if words else ():
                title, body = self._words(paper)
                points = [2 if w in title else 1 if w in body else 0 for w in words]
                if sum(1 for p in points if p) < len(words) - len(words) // 3:
                    continue  # most words of the interest must appear
                score = sum(points) / (2 * len(words))
                if score >= self.threshold:
                    scores[paper.id] = score
            self._matches[key] = scores
        return self._matches[key]

    def match(self, interests: Sequence[str], papers: Sequence[MatchablePaper]
              ) -> dict[str, Match]:
        ids = tuple(p.id for p in papers)
        found: dict[str, Match] = {}
        for interest in interests:
            for paper_id, score in self._scores(interest, papers, ids).items():
                if paper_id not in found or score > found[paper_id].score:
                    found[paper_id] = Match(score, interest)
        return found


class SemanticMatcher:
    """Similarity by meaning from the search feature's embeddings: one call per interest
    per pool (kept for the run); a score at or above `threshold` matches (for
    all-MiniLM-L6-v2 and a few words of interest, 0.35 keeps the relevant papers and drops
    the rest). A paper whose words match an interest is picked too, so papers without a
    vector yet, or every paper when the model cannot run, are still found."""

    def __init__(self, similarities, db, config, threshold: float = 0.35,  # noqa: ANN001
                 fallback: InterestMatcher | None = None):
        self._similarities, self._db, self._config = similarities, db, config
        self.threshold = threshold
        self.fallback = fallback or KeywordMatcher()
        self._cache: dict[tuple[str, tuple[str, ...]], dict[str, float]] = {}
        self._matches: dict[tuple[str, tuple[str, ...]], dict[str, float]] = {}
        self._broken = False

    def _scores(self, interest: str, ids: tuple[str, ...]) -> dict[str, float]:
        key = (interest, ids)
        if key not in self._cache:
            self._cache[key] = self._similarities(self._db, self._config, interest, list(ids))
        return self._cache[key]

    def _above(self, interest: str, ids: tuple[str, ...]) -> dict[str, float]:
        key = (interest, ids)
        if key not in self._matches:
            self._matches[key] = {paper_id: float(score) for paper_id, score
                                  in self._scores(interest, ids).items()
                                  if score >= self.threshold}
        return self._matches[key]

    def prefetch(self, interests: Iterable[str], papers: Sequence[MatchablePaper]) -> None:
        """Score many new interests against the same papers in one model call (what
        `text_similarities` computes one text at a time, to within 0.03 with the int8
        model): a run with thousands of different interests would otherwise call the
        model thousands of times. Any trouble leaves the one-at-a-time path to work."""
        ids = tuple(p.id for p in papers)
        missing = [i for i in dict.fromkeys(interests) if (i, ids) not in self._cache]
        if self._broken or not missing or self._config is None:
            return
        try:
            import numpy as np

            from ..search.semantic import embedder_for
            from ..store.embeddings import vectors_for

            embedder = embedder_for(self._config)
            with self._db.read() as connection:
                vectors = vectors_for(connection, embedder.key, list(ids))
            if not vectors:
                self._cache.update({(i, ids): {} for i in missing})
                return
            keys = list(vectors)
            scores = embedder.encode(missing) @ np.stack([vectors[k] for k in keys]).T
            for interest, row in zip(missing, scores):
                self._cache[(interest, ids)] = dict(zip(keys, row.tolist()))
        except Exception:  # noqa: BLE001 - the plain path below still works
            log.warning("batched interest matching failed; matching one interest at a time",
                        exc_info=True)

    def match(self, interests: Sequence[str], papers: Sequence[MatchablePaper]
              ) -> dict[str, Match]:
        found: dict[str, Match] = {}
        if not self._broken:
            ids = tuple(p.id for p in papers)
            try:
                for interest in interests:
                    for paper_id, score in self._above(interest, ids).items():
                        if paper_id not in found or score > found[paper_id].score:
                            found[paper_id] = Match(score, interest)
            except Exception:  # noqa: BLE001 - words still work without the model
                log.exception("matching interests by meaning failed; using words for this run")
                self._broken, found = True, {}
        for paper_id, match in self.fallback.match(interests, papers).items():
            found.setdefault(paper_id, match)
        return found


def matcher_for(db, config) -> InterestMatcher:  # noqa: ANN001
    """Meaning when the search feature offers it, words otherwise."""
    try:
        from .. import search
    except ImportError:  # pragma: no cover - search is part of the package
        search = None
    similarities = getattr(search, "text_similarities", None)
    if similarities is not None:
        threshold = getattr(config, "digest_interest_similarity", 0.35) if config else 0.35
        return SemanticMatcher(similarities, db, config, threshold)
    return KeywordMatcher()


def phrase_text(text: str) -> str:
    """Words in order, spaced, for whole-phrase keyword tests."""
    return " " + " ".join(_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP) + " "


def keyword_phrases(keywords: Iterable[str]) -> list[tuple[str, str]]:
    """(keyword, its phrase text) for the keywords that have words at all."""
    return [(k, p) for k in keywords if (p := phrase_text(k)).strip()]


def keyword_hit(phrases: Iterable[tuple[str, str]], paper_phrase_text: str) -> str | None:
    """The first keyword whose words appear, in order, in the paper's phrase text."""
    for keyword, words in phrases:
        if words in paper_phrase_text:
            return keyword
    return None
