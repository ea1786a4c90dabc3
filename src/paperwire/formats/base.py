"""What every format parser shares: its outputs, and reading lines safely."""

from __future__ import annotations

import lzma
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Callable, Protocol

import orjson

from ..records import PaperRecord, RecordError

DEFAULT_MAX_RECORD_BYTES = 4_000_000
# Decompression and I/O errors that mean "the rest of this input cannot be read".
STREAM_ERRORS = (EOFError, OSError, lzma.LZMAError, zlib.error)
MAX_DOCUMENT_BYTES = 256_000_000


@dataclass(slots=True)
class Parsed:
    origin: str  # "file:line"
    record: PaperRecord


@dataclass(slots=True)
class Rejection:
    origin: str
    reason: str


ParseResult = Parsed | Rejection


@dataclass
class ParseOptions:
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES


class Format(Protocol):
    name: str
    description: str

    def sniff(self, head: bytes, filename: str) -> bool: ...

    def parse(self, stream: BinaryIO, name: str, options: ParseOptions) -> Iterator[ParseResult]: ...


class LineFormat(Protocol):
    """A format with one record per line; the importer may parse its lines in parallel."""

    name: str

    def parse_line(self, line: str, origin: str) -> ParseResult: ...


def parse_lines(stream: BinaryIO, name: str, options: ParseOptions,
                parse_line: Callable[[str, str], ParseResult]) -> Iterator[ParseResult]:
    for number, line in numbered_lines(stream, name, options.max_record_bytes):
        yield line if isinstance(line, Rejection) else parse_line(line, f"{name}:{number}")


def parse_json_line(line: str, origin: str, build: Callable[[object], PaperRecord]) -> ParseResult:
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return Rejection(origin, f"malformed JSON: {exc}")
    return guarded(origin, lambda: build(data))


def numbered_lines(stream: BinaryIO, name: str, max_bytes: int) -> Iterator[tuple[int, str | Rejection]]:
    """Yield (line number, text) for each non-blank line; a line that is too long or not
    UTF-8 comes as a Rejection instead, and reading goes on at the next line."""
    number = 0
    while True:
        try:
            raw = stream.readline(max_bytes + 1)
        except STREAM_ERRORS as exc:
            yield number + 1, ends_early(name, number + 1, exc)
            return
        if not raw:
            return
        number += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            skip_rest_of_line(stream)
            yield number, too_long(name, number, max_bytes)
            continue
        line = decode_line(raw, number, name)
        if line is not None:
            yield number, line


def skip_rest_of_line(stream: BinaryIO) -> None:
    """Read past the end of an oversized line without holding it in memory."""
    while True:
        rest = stream.readline(1 << 20)
        if not rest or rest.endswith(b"\n"):
            return


def decode_line(raw: bytes, number: int, name: str) -> str | Rejection | None:
    """The text of one raw line; a Rejection if it is not UTF-8; None if it is blank."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Rejection(f"{name}:{number}", f"not valid UTF-8 (byte {exc.start} of the line)")
    if number == 1 and line.startswith("\ufeff"):
        line = line[1:]
    return line if line.strip() else None


def too_long(name: str, number: int, max_bytes: int) -> Rejection:
    return Rejection(f"{name}:{number}", f"line longer than {max_bytes:,} bytes")


def ends_early(name: str, number: int, exc: BaseException) -> Rejection:
    return Rejection(f"{name}:{number}", f"input ends early or is corrupt from here on: {exc}")


def guarded(origin: str, build: Callable[[], PaperRecord]) -> ParseResult:
    """Run a record builder; a RecordError (or a wrong type deep inside) becomes a Rejection."""
    try:
        return Parsed(origin, build())
    except RecordError as exc:
        return Rejection(origin, str(exc))
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        return Rejection(origin, f"unexpected shape: {type(exc).__name__}: {exc}"[:300])


def read_document(stream: BinaryIO, name: str, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise RecordError(f"{name}: document larger than {limit:,} bytes")
    return data
