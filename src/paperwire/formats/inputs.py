"""Open import inputs: plain, gzip, xz or bz2 files, tar archives and folders.

Compression is recognised from the first bytes, not the file name.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable

from .base import STREAM_ERRORS

SNIFF_BYTES = 1 << 16

_MAGIC = (
    (b"\x1f\x8b", "gzip", lambda raw: gzip.GzipFile(fileobj=raw, mode="rb")),
    (b"\xfd7zXZ\x00", "xz", lambda raw: lzma.LZMAFile(raw, mode="rb")),
    (b"BZh", "bz2", lambda raw: bz2.BZ2File(raw, mode="rb")),
)


class InputError(Exception):
    """An input that cannot be read at all (missing, a device, unreadable)."""


@dataclass
class InputFile:
    name: str  # what rejections are reported against: path, or archive.tar.xz:member
    stream: BinaryIO  # decompressed bytes, with the head already sniffable via .head
    head: bytes
    progress: Callable[[], int]  # bytes of the underlying file consumed so far


class _PrefixedStream(io.RawIOBase):
    """The sniffed head followed by the rest of the stream, as one readable stream."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def _with_head(stream: BinaryIO) -> tuple[bytes, BinaryIO]:
    head = b""
    while len(head) < SNIFF_BYTES:
        chunk = stream.read(SNIFF_BYTES - len(head))
        if not chunk:
            break
        head += chunk
    return head, io.BufferedReader(_PrefixedStream(head, stream), buffer_size=1 << 16)


def compression_of(head: bytes) -> str | None:
    for magic, name, _ in _MAGIC:
        if head.startswith(magic):
            return name
    return None


def _decompress(raw: BinaryIO) -> BinaryIO:
    head = raw.read(8)
    raw.seek(0)
    for magic, _, opener in _MAGIC:
        if head.startswith(magic):
            return opener(raw)
    return raw


def _is_tar(head: bytes) -> bool:
    return len(head) >= 262 and head[257:262] == b"ustar"


def expand_paths(paths: list[str]) -> list[Path]:
    """Files named, and the files inside named folders (sorted, hidden ones skipped)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*")
                                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        else:
            files.append(path)
    return files


def open_inputs(path: Path) -> Iterator[InputFile]:
    """Yield each readable stream inside `path` (one, or one per member of a tar archive)."""
    if str(path) == "-":
        raise InputError("reading from standard input is not supported; save it to a file")
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputError(f"{path}: cannot open: {exc.strerror}") from None
    with raw:
        stream = _decompress(raw)
        try:
            head, readable = _with_head(stream)
        except STREAM_ERRORS as exc:
            raise InputError(f"{path}: unreadable compressed data: {exc}") from None
        progress = raw.tell
        if _is_tar(head):
            yield from _tar_members(path, readable, progress)
            return
        yield InputFile(str(path), readable, head, progress)


def _tar_members(path: Path, stream: BinaryIO, progress: Callable[[], int]) -> Iterator[InputFile]:
    try:
        with tarfile.open(fileobj=stream, mode="r|") as archive:
            for member in archive:
                if not member.isfile() or os.path.basename(member.name).startswith("."):
                    continue
                extracted = archive.extractfile(member)
                if extracted is None:
                    continue
                head, readable = _with_head(extracted)
                yield InputFile(f"{path}:{member.name}", readable, head, progress)
    except tarfile.TarError as exc:
        raise InputError(f"{path}: broken tar archive: {exc}") from None
