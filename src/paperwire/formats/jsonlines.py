"""Helpers for JSON Lines inputs."""

from __future__ import annotations

import orjson


def first_json_object(head: bytes) -> object:
    """The first line of `head` parsed as JSON, or None when it is not (or not complete)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    line = text.split(b"\n", 1)[0]
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
