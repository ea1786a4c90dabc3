"""One outgoing message: plain text, optionally with an HTML alternative, built with the
standard library. Header values are checked for CR/LF so nothing can be injected."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid, parseaddr

from .addresses import InvalidAddress, normalize_address


# Lines up to RFC 5322's hard limit: with the default 78, a header holding a long URL
# (List-Unsubscribe) is rewritten as RFC 2047 encoded words, which mail clients do not
# read as a URL, and the folding costs more than the rest of building the message.
_POLICY = SMTP.clone(max_line_length=998)


class HeaderInjection(ValueError):
    pass


@dataclass
class OutgoingMessage:
    to: str
    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    message_id: str | None = None  # kept as given, so a resend is recognisably the same


def _check_header(name: str, value: str) -> str:
    if any(ch in value for ch in "\r\n\0") or any(ch in name for ch in "\r\n\0: "):
        raise HeaderInjection(f"header {name!r} may not contain line breaks")
    return value


def sender_domain(mail_from: str) -> str:
    address = parseaddr(mail_from)[1]
    return address.rpartition("@")[2] or "localhost"


def stable_message_id(key: str, mail_from: str) -> str:
    """A Message-ID derived from `key`: the same digest always gets the same one."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@{sender_domain(mail_from)}>"


def build_message(message: OutgoingMessage, mail_from: str) -> EmailMessage:
    try:
        recipient = normalize_address(message.to)
    except InvalidAddress as error:
        raise InvalidAddress(f"recipient: {error}") from None
    built = EmailMessage(policy=_POLICY)
    built["From"] = _check_header("From", mail_from)
    built["To"] = recipient
    built["Subject"] = _check_header("Subject", message.subject)
    built["Date"] = formatdate(localtime=False, usegmt=True)
    built["Message-ID"] = _check_header(
        "Message-ID", message.message_id or make_msgid(domain=sender_domain(mail_from)))
    for name, value in message.headers.items():
        built[_check_header(name, name)] = _check_header(name, value)
    built.set_content(message.text)
    if message.html is not None:
        built.add_alternative(message.html, subtype="html")
    return built
