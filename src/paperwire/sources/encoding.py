"""Response bodies whose bytes do not match their declared encoding.

One stray byte must not block a harvest forever (expat and JSON refuse the whole
document), so invalid UTF-8 is replaced with U+FFFD and counted; a body in another
declared charset is converted to UTF-8 first.
"""

from __future__ import annotations

import codecs
import re

_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']")
_CHARSET = re.compile(r"charset=[\"']?([A-Za-z0-9._-]+)", re.IGNORECASE)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def repair_utf8(body: bytes, content_type: str | None = None, *, xml: bool = False
                ) -> tuple[bytes, int]:
    """(UTF-8 bytes, number of invalid sequences replaced)."""
    if xml:
        declared = _XML_DECLARATION.match(body[:200])
        if declared and _codec(declared.group(1).decode()) not in (None, "utf-8"):
            return body, 0  # expat decodes the declared encoding itself
    else:
        charset = _CHARSET.search(content_type or "")
        codec = _codec(charset.group(1)) if charset else None
        if codec and codec != "utf-8":
            text = body.decode(codec, errors="replace")
            return text.encode("utf-8"), text.count("\ufffd")
    try:
        body.decode("utf-8")
        return body, 0
    except UnicodeDecodeError:
        text = body.decode("utf-8", errors="replace")
        return text.encode("utf-8"), text.count("\ufffd") - body.count("\ufffd".encode())
