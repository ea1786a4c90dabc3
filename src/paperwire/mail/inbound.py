"""Incoming mail as an MTA hands it over (Postfix pipe or alias, Exim, OpenSMTPD,
fetchmail's mda) or as files: one raw RFC 5322 message, read with a size cap and parsed
by the standard library. What a message asks for is decided elsewhere
(`paperwire.unsubscribe_by_mail`)."""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses
from typing import BinaryIO

READ_CHUNK = 65536
# Where a message names its recipients: the mail client's To/Cc, and the envelope
# recipient that MTAs add on delivery (Postfix Delivered-To / X-Original-To, Exim
# Envelope-To), which is the only trace of a Bcc.
RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
FIRST_LINE_SCAN = 10_000  # characters of the body searched for its first line


class NotMail(ValueError):
    """The input is not an RFC 5322 message; the text says why."""


@dataclass(frozen=True)
class IncomingMessage:
    sender: str  # the From address, lower-cased ("" when absent or unreadable)
    recipients: frozenset[str]  # lower-cased addresses from RECIPIENT_HEADERS
    subject: str  # RFC 2047 decoded, unfolded, runs of white space made one space
    first_line: str  # the first non-blank line of the text body, the same way
    message_id: str


def read_capped(stream: BinaryIO, max_bytes: int, *, drain: bool = False) -> bytes:
    """At most max_bytes + 1 bytes of `stream`: one byte more than allowed is how a caller
    tells "too large" from "exactly at the limit" without holding the rest. With `drain`,
    the rest is read and dropped, so an MTA writing into our pipe sees the message taken
    rather than a broken pipe (which some report as a delivery failure)."""
    chunks: list[bytes] = []
    size = 0
    while size <= max_bytes:
        chunk = stream.read(min(READ_CHUNK, max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if drain and size > max_bytes:
        while stream.read(READ_CHUNK):
            pass
    return b"".join(chunks)


def parse_message(raw: bytes) -> IncomingMessage:
    """The parts of a message an unsubscribe request is read from; NotMail when `raw` is
    empty, has no header fields, or trips the parser."""
    if not raw.strip():
        raise NotMail("empty input")
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        if not message.keys():  # binary junk and plain text parse as a body alone
            raise NotMail("no header fields")
        senders = _addresses(message, ("From",))
        return IncomingMessage(
            sender=senders[0] if senders else "",
            recipients=frozenset(_addresses(message, RECIPIENT_HEADERS)),
            subject=_one_line(_header(message, "Subject")),
            first_line=_first_line(message),
            message_id=_header(message, "Message-ID").strip()[:300])
    except NotMail:
        raise
    except Exception as exc:  # the parser is lenient, yet a few malformed inputs raise
        raise NotMail(f"unreadable message ({type(exc).__name__})") from None


def _header(message: EmailMessage, name: str) -> str:
    value = message.get(name)
    return "" if value is None else str(value)


def _addresses(message: EmailMessage, names: tuple[str, ...]) -> list[str]:
    values = [str(v) for name in names for v in (message.get_all(name) or [])]
    return [address.lower() for _, address in getaddresses(values) if "@" in address]


def _one_line(text: str) -> str:
    return " ".join(text.split())  # folding and doubled spaces are not part of the words


def _first_line(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, UnicodeError):  # an unknown charset: read it as UTF-8
        payload = part.get_payload(decode=True)
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(text, str):
        return ""
    for line in text[:FIRST_LINE_SCAN].splitlines():
        if line.strip():
            return _one_line(line)
    return ""
