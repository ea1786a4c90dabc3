"""Where messages go: an SMTP server (STARTTLS or implicit TLS, optional auth, a small pool
of connections) when `smtp_url` is set, else `.eml` files in the outbox folder.

Failures are sorted for the caller: TemporaryFailure (4xx, lost connection, timeout: try
again later) and PermanentFailure (5xx: this address will not take it)."""

from __future__ import annotations

import contextlib
import os
import queue
import smtplib
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from ..config import Config, ConfigError
from .message import OutgoingMessage, build_message

OUTBOX_FOLDER = "outbox"


class DeliveryFailure(Exception):
    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.code = code


class TemporaryFailure(DeliveryFailure):
    """Worth retrying later: 4xx replies, refused or dropped connections, timeouts."""


class PermanentFailure(DeliveryFailure):
    """5xx replies: the server will not accept this message for this address."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str | None
    password: str | None
    timeout: float
    verify: bool

    @classmethod
    def parse(cls, url: str, timeout: float = 30.0) -> "SmtpSettings":
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps"}:
            raise ConfigError("smtp_url: expected smtp://… or smtps://…, got scheme "
                              f"{parts.scheme!r}")
        if not parts.hostname:
            raise ConfigError("smtp_url: no host in the URL")
        options = {k.lower(): v[-1].lower() for k, v in parse_qs(parts.query).items()}
        implicit = parts.scheme == "smtps"
        try:
            port = parts.port or (465 if implicit else 587)
        except ValueError as error:
            raise ConfigError(f"smtp_url: {error}") from None
        return cls(host=parts.hostname, port=port, implicit_tls=implicit,
                   starttls=not implicit and options.get("starttls", "false") in {"1", "true", "yes"},
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None,
                   timeout=timeout, verify=options.get("verify", "true") not in {"0", "false", "no"})


class OutboxTransport:
    """Writes each message as `<message-id>.eml`: resending the same message replaces its
    file rather than adding a second one."""

    def __init__(self, folder: Path, mail_from: str):
        self.folder = folder
        self.mail_from = mail_from
        folder.mkdir(parents=True, exist_ok=True)

    def send(self, message: OutgoingMessage) -> str:
        built = build_message(message, self.mail_from)
        message_id = built["Message-ID"]
        name = "".join(ch if ch.isalnum() or ch in "-_.@" else "_" for ch in message_id.strip("<>"))
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        existing = sorted(self.folder.glob(f"*-{name}.eml"))
        target = existing[0] if existing else self.folder / f"{stamp}-{name}.eml"
        temporary = target.with_suffix(f".tmp{os.getpid()}")
        temporary.write_bytes(built.as_bytes())
        os.replace(temporary, target)
        return message_id

    def close(self) -> None:
        pass


class SmtpTransport:
    """A pool of up to `pool_size` SMTP connections, safe to share between threads."""

    def __init__(self, settings: SmtpSettings, mail_from: str, pool_size: int = 4):
        self.settings = settings
        self.mail_from = mail_from
        self._idle: queue.LifoQueue[smtplib.SMTP] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(max(1, pool_size))
        self._closed = False

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        if not s.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        try:
            if s.implicit_tls:
                connection: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                                            context=context)
            else:
                connection = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            connection.ehlo()
            if s.starttls:
                connection.starttls(context=context)
                connection.ehlo()
            if s.username:
                connection.login(s.username, s.password or "")
        except smtplib.SMTPAuthenticationError as error:
            raise PermanentFailure(f"SMTP login refused: {error.smtp_code} "
                                   f"{error.smtp_error!r}", error.smtp_code) from None
        except (OSError, smtplib.SMTPException) as error:
            raise TemporaryFailure(f"cannot reach SMTP server {s.host}:{s.port}: {error}") from None
        return connection

    @contextlib.contextmanager
    def _connection(self) -> Iterator[smtplib.SMTP]:
        with self._slots:
            try:
                connection = self._idle.get_nowait()
            except queue.Empty:
                connection = self._connect()
            healthy = False
            try:
                yield connection
                healthy = True
            finally:
                if healthy and not self._closed:
                    self._idle.put(connection)
                else:
                    with contextlib.suppress(Exception):
                        connection.close()

    def send(self, message: OutgoingMessage) -> str:
        built = build_message(message, self.mail_from)
        for attempt in (1, 2):  # a pooled connection may have been dropped by the server
            try:
                with self._connection() as connection:
                    self._send_on(connection, built)
                return built["Message-ID"]
            except smtplib.SMTPServerDisconnected as error:
                if attempt == 2:
                    raise TemporaryFailure(f"SMTP server disconnected: {error}") from None
        raise AssertionError("unreachable")

    @staticmethod
    def _send_on(connection: smtplib.SMTP, built: EmailMessage) -> None:
        try:
            refused = connection.send_message(built)
        except smtplib.SMTPServerDisconnected:
            raise
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            raise _classify(code, reply) from None
        except smtplib.SMTPResponseException as error:
            raise _classify(error.smtp_code, error.smtp_error) from None
        except (OSError, smtplib.SMTPException) as error:
            raise TemporaryFailure(f"SMTP error: {error}") from None
        if refused:
            code, reply = next(iter(refused.values()))
            raise _classify(code, reply)

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                connection = self._idle.get_nowait()
            except queue.Empty:
                return
            with contextlib.suppress(Exception):
                connection.quit()


def _classify(code: int, reply: bytes | str) -> DeliveryFailure:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    kind = PermanentFailure if 500 <= code < 600 else TemporaryFailure
    return kind(f"SMTP {code}: {text}", code)


def outbox_folder(config: Config) -> Path:
    return config.data_path / OUTBOX_FOLDER


@contextlib.contextmanager
def open_transport(config: Config) -> Iterator[SmtpTransport | OutboxTransport]:
    transport: SmtpTransport | OutboxTransport
    if config.smtp_url:
        transport = SmtpTransport(SmtpSettings.parse(config.smtp_url, config.smtp_timeout),
                                  config.mail_from, config.smtp_pool_size)
    else:
        transport = OutboxTransport(outbox_folder(config), config.mail_from)
    try:
        yield transport
    finally:
        transport.close()


def send_one(config: Config, message: OutgoingMessage) -> str:
    with open_transport(config) as transport:
        return transport.send(message)


__all__ = ["DeliveryFailure", "OutboxTransport", "PermanentFailure", "SmtpSettings",
           "SmtpTransport", "TemporaryFailure", "open_transport", "outbox_folder", "send_one"]
