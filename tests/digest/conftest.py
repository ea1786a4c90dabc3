"""Digest tests: the known papers of the web tests in a real database, a real SMTP server
(aiosmtpd on 127.0.0.1) and settings that point at it."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from paperwire.config import Config, load_config
from paperwire.digest.preferences import Preferences
from paperwire.store import Database
from paperwire.subscriptions import subscribe
from tests.smtp_server import RecordingHandler, smtp_server
from tests.web.conftest import load

PERIOD = date(2025, 2, 27)  # its daily window (25-27 Feb) holds four of the known papers


@dataclass
class FlakyHandler(RecordingHandler):
    """Answers a recipient's first `n` attempts with a 4xx, then accepts; can slow down."""

    fail_first: dict[str, tuple[int, str]] = field(default_factory=dict)
    delay: float = 0.0
    attempts: dict[str, int] = field(default_factory=dict)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001
        key = address.lower()
        self.attempts[key] = self.attempts.get(key, 0) + 1
        times, reply = self.fail_first.get(key, (0, ""))
        if self.attempts[key] <= times:
            return reply
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        if self.delay:
            await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp() -> Iterator[tuple[FlakyHandler, int]]:
    with smtp_server(handler=FlakyHandler()) as (handler, port):
        yield handler, port  # type: ignore[misc]


def make_config(tmp_path: Path, port: int | None, **settings: object) -> Config:
    environ = {"PAPERWIRE_DATA_DIR": str(tmp_path / "data"),
               "PAPERWIRE_DIGEST_RETRY_BACKOFF_SECONDS": "0.01",
               "PAPERWIRE_MAIL_FROM": "Paperwire <digest@paperwire.test>",
               "PAPERWIRE_BASE_URL": "https://papers.example.org"}
    if port is not None:
        environ["PAPERWIRE_SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    environ.update({f"PAPERWIRE_{k.upper()}": str(v) for k, v in settings.items()})
    return load_config(environ=environ, toml_file=None)


@pytest.fixture
def papers(db: Database) -> Database:
    load(db)
    return db


def add(db: Database, config: Config, email: str, **preferences: object) -> int:
    return subscribe(db, config, email, preferences=Preferences(**preferences),  # type: ignore[arg-type]
                     confirmed=True).subscriber_id


def link(text: str, path: str) -> str:
    """The first link to `path` in an email body, as a path with its query."""
    found = re.search(r"https://papers\.example\.org(" + re.escape(path) + r"\?token=[^\s\"<>]+)",
                      text)
    assert found, f"no {path} link in {text[:500]}"
    return found.group(1).replace("&amp;", "&")
