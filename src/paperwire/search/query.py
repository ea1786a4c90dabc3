"""The query language: words, "quoted phrases", author:NAME and cat:CODE filters.

Parsing never fails: whatever is typed becomes words, phrases and filters, and the keyword
engines only ever receive terms quoted by us (see fts.py), never the raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 2000  # longer input is cut: nobody types more, and FTS cost grows with it
MAX_TERMS = 32
# A term is a run of letters and digits (any script); everything else separates terms.
_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r'(?P<key>author|cat|category):(?:"(?P<qval>[^"]*)"?|(?P<val>\S*))'
                    r'|"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+)', re.IGNORECASE)
# Words too common to rank by; dropped from the ranked words unless nothing else is left.
STOPWORDS = frozenset("""a an and are as at be by for from has have in into is it its of on or
that the their this to was were which with we our these those can not""".split())


@dataclass
class ParsedQuery:
    words: list[str] = field(default_factory=list)  # each a plain term: \w+ only
    phrases: list[list[str]] = field(default_factory=list)  # each a list of plain terms
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    text: str = ""  # the words and phrases as prose, for the embedding model

    @property
    def has_terms(self) -> bool:
        return bool(self.words or self.phrases)

    def ranked_words(self) -> list[str]:
        kept = [w for w in self.words if w.lower() not in STOPWORDS]
        return kept or self.words


def terms_of(text: str) -> list[str]:
    return _WORD.findall(text)


def parse_query(raw: str) -> ParsedQuery:
    parsed = ParsedQuery()
    raw = (raw or "").replace("\x00", " ")[:MAX_QUERY_CHARS]
    prose: list[str] = []
    for match in _TOKEN.finditer(raw):
        if match.group("key"):
            value = (match.group("qval") if match.group("qval") is not None
                     else match.group("val") or "").strip()
            if not value:
                continue
            if match.group("key").lower() == "author":
                parsed.authors.append(value)
            else:
                parsed.categories.append(value)
        elif match.group("phrase") is not None:
            terms = terms_of(match.group("phrase"))
            if len(terms) == 1:
                parsed.words.append(terms[0])
            elif terms:
                parsed.phrases.append(terms[:MAX_TERMS])
            prose.append(" ".join(terms))
        else:
            terms = terms_of(match.group("word"))
            parsed.words += terms
            prose += terms
    parsed.words = list(dict.fromkeys(parsed.words))[:MAX_TERMS]
    parsed.phrases = parsed.phrases[:8]
    parsed.text = " ".join(prose)[:MAX_QUERY_CHARS]
    return parsed
