"""Words as the keyword index sees them: exactly the terms SQLite FTS5 makes with
`tokenize='porter unicode61 remove_diacritics 2'`, so the in-process word index and FTS5
rank alike on SQLite and PostgreSQL.

Splitting into tokens is a regular expression (unicode61 separates on everything but
letters and numbers); each distinct token is then stemmed once by FTS5 itself, in an
in-memory table, and remembered: FTS5's porter differs from other Porter stemmers on
words like "topology", and a second stemmer would make the two indexes disagree.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata

from .fts import FTS_TOKENIZER

# Letters and numbers, and combining accents (unicode61 keeps them in the token, then drops them).
_TOKEN = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])+")
_CACHE_MAX = 2_000_000
_cache: dict[str, tuple[str, ...]] = {}
_lock = threading.Lock()
_local = threading.local()


def _stemming_table() -> sqlite3.Connection:
    connection = getattr(_local, "connection", None)
    if connection is None:
        connection = sqlite3.connect(":memory:", check_same_thread=False)
        connection.execute(f"CREATE VIRTUAL TABLE words USING fts5(word, tokenize='{FTS_TOKENIZER}')")
        connection.execute("CREATE VIRTUAL TABLE word_terms USING fts5vocab(words, 'instance')")
        _local.connection = connection
    return connection


def _stem_new(tokens: list[str]) -> dict[str, tuple[str, ...]]:
    connection = _stemming_table()
    with connection:
        connection.executemany("INSERT INTO words(rowid, word) VALUES (?, ?)",
                               enumerate(tokens, 1))
        found: dict[int, list[str]] = {}
        for row, term in connection.execute(
                "SELECT doc, term FROM word_terms ORDER BY doc, offset"):
            found.setdefault(row, []).append(term)
        connection.execute("DELETE FROM words")
    return {token: tuple(found.get(row, ())) for row, token in enumerate(tokens, 1)}


def stems(tokens: set[str] | list[str]) -> dict[str, tuple[str, ...]]:
    """Each token's indexed terms (one, nearly always)."""
    known = {t: _cache.get(t) for t in tokens}
    missing = [t for t, found in known.items() if found is None]
    if missing:
        fresh = _stem_new(missing)
        with _lock:
            if len(_cache) > _CACHE_MAX:
                _cache.clear()
            _cache.update(fresh)
        known.update(fresh)
    return known


def tokens(text: str | None) -> list[str]:
    """Tokens as they are written: FTS5 folds case and diacritics itself (Python's lower()
    does not fold alike: "İ" becomes two characters)."""
    if not text:
        return []
    if not text.isascii():  # a letter and its combining accent are one token character
        text = unicodedata.normalize("NFC", text)
    return _TOKEN.findall(text)


def terms(text: str | None) -> list[str]:
    """The indexed terms of a text, in order (repeats kept: they are term frequencies)."""
    found = tokens(text)
    if not found:
        return []
    known = stems(set(found))
    return [term for token in found for term in known[token]]
