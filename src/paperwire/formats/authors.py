"""Splitting a one-line author list ("A. One, B. Two (MIT) and C. Three") into names."""

from __future__ import annotations

import re

_AND = re.compile(r",?\s+and\s+", re.IGNORECASE)


def split_author_list(raw: str | None) -> list[str]:
    """Names in order, split at top-level commas and "and"; affiliations in parentheses
    are dropped, and commas inside them do not split."""
    if not raw:
        return []
    text = " ".join(raw.split())
    if "(" not in text:  # the common case: no affiliations, so a plain split will do
        return [name.strip() for name in _AND.sub(", ", text).split(",") if name.strip()]
    names, depth, current = [], 0, []
    for char in _AND.sub(", ", text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif depth == 0:
            if char == ",":
                names.append("".join(current))
                current = []
            else:
                current.append(char)
    names.append("".join(current))
    return [" ".join(name.split()) for name in names if name.strip()]
