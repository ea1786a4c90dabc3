"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 that records what it accepted and
can be told to answer some recipients with a 4xx or 5xx code."""

from __future__ import annotations

import contextlib
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from .conftest import free_port


@dataclass
class Received:
    envelope_from: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


@dataclass
class RecordingHandler:
    received: list[Received] = field(default_factory=list)
    replies: dict[str, str] = field(default_factory=dict)  # recipient -> "450 …" / "550 …"
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001
        reply = self.replies.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          envelope.original_content or envelope.content))
        return "250 Message accepted"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if address in r.recipients]


class _Authenticator:
    def __init__(self, username: str, password: str):
        self.expected = (username.encode(), password.encode())

    def __call__(self, server, session, envelope, mechanism, auth_data):  # noqa: ANN001
        ok = isinstance(auth_data, LoginPassword) and \
            (auth_data.login, auth_data.password) == self.expected
        return AuthResult(success=ok, handled=False)


@contextlib.contextmanager
def smtp_server(*, username: str | None = None, password: str | None = None,
                tls_context: ssl.SSLContext | None = None,
                handler: RecordingHandler | None = None) -> Iterator[tuple[RecordingHandler, int]]:
    """Yields (handler, port). With a tls_context the server offers STARTTLS."""
    handler = handler or RecordingHandler()
    port = free_port()
    kwargs = {}
    if username is not None:
        kwargs.update(authenticator=_Authenticator(username, password or ""),
                      auth_require_tls=tls_context is not None)
    if tls_context is not None:
        kwargs.update(tls_context=tls_context, require_starttls=True)
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()
