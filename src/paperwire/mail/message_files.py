"""Messages kept as files, for reading a batch: single files, folders of .eml files, and
Maildirs (as fetchmail, getmail or an IMAP sync leave them)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

MAILDIR_PARTS = ("new", "cur")  # tmp/ holds messages still being written: never read


def is_maildir(folder: Path) -> bool:
    return any((folder / part).is_dir() for part in MAILDIR_PARTS)


def message_paths(sources: Iterable[Path]) -> list[Path]:
    """Every message file the sources name, in a stable order: a file as it is; a Maildir's
    messages in new/ and cur/; any other folder's *.eml files (not its subfolders)."""
    found: list[Path] = []
    for source in sources:
        if source.is_dir() and is_maildir(source):
            for part in MAILDIR_PARTS:
                folder = source / part
                if folder.is_dir():
                    found += sorted(p for p in folder.iterdir()
                                    if p.is_file() and not p.name.startswith("."))
        elif source.is_dir():
            found += sorted(p for p in source.glob("*.eml") if p.is_file())
        else:
            found.append(source)
    return found
