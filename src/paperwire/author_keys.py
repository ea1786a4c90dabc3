"""Which written names are the same author: the key an author page and `paper_authors`
match on.

Two names are the same author when they are equal after ignoring case, accents and other
marks ("Müller" = "muller", "Łukasz" = "Lukasz"), compatibility forms (full-width letters,
ligatures), runs of white space, and the space after an initial ("J.R. Smith" =
"J. R. Smith"). Nothing else is guessed: "Smith, John" and "J. Smith" are other keys than
"John Smith", and two people who write their names alike share a page, as on arXiv.

Changing this function changes the stored keys: it needs a migration that rebuilds
`paper_authors` (see migration 0012_paper_authors).
"""

from __future__ import annotations

import functools
import unicodedata

MAX_KEY_CHARS = 300  # well under PostgreSQL's b-tree row limit even at 4 bytes a character
# Letters that carry their mark in the letter itself, so decomposition leaves them alone.
_LETTERS = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae",
                          "œ": "oe", "ı": "i", "ħ": "h", "ŧ": "t", "ŀ": "l",
                          "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-"})


@functools.lru_cache(maxsize=65536)  # imports see the same names again and again
def author_key(name: str) -> str:
    """The key of a written name; '' when nothing of it is left (only marks or spaces)."""
    if name.isascii():  # the common case, and the fast one
        text = name.lower()
    else:
        text = _strip_marks(_strip_marks(name).casefold().translate(_LETTERS))
    text = " ".join(text.replace(".", ". ").split())
    return text[:MAX_KEY_CHARS].rstrip()


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
