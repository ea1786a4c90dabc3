"""Reading the outbox folder back: what would have been mailed, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path

from ..config import Config
from .transport import outbox_folder


@dataclass
class OutboxEntry:
    path: Path
    to: str
    subject: str
    date: str
    message_id: str


def list_outbox(config: Config) -> list[OutboxEntry]:
    folder = outbox_folder(config)
    if not folder.is_dir():
        return []
    parser = BytesHeaderParser(policy=policy.default)
    entries = []
    for path in sorted(folder.glob("*.eml"), reverse=True):
        with path.open("rb") as handle:
            headers = parser.parse(handle)
        entries.append(OutboxEntry(path=path, to=str(headers.get("To", "")),
                                   subject=str(headers.get("Subject", "")),
                                   date=str(headers.get("Date", "")),
                                   message_id=str(headers.get("Message-ID", ""))))
    return entries
