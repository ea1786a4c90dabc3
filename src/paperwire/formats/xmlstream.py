"""Stream chosen elements out of an XML document in constant memory, with line numbers.

defusedxml's parser refuses entity expansion and external references, so hostile
documents (billion laughs, XXE) fail instead of eating memory or reading local files.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

CHUNK_BYTES = 1 << 16


class XMLStreamError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


class DocumentTooLarge(Exception):
    pass


class CappedReader:
    """Reads at most `limit` bytes, counting lines so an overrun can say where it happened."""

    def __init__(self, stream: BinaryIO, limit: int):
        self.stream, self.limit, self.read_bytes, self.lines = stream, limit, 0, 1

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.read_bytes += len(chunk)
        if self.read_bytes > self.limit:
            raise DocumentTooLarge
        self.lines += chunk.count(b"\n")
        return chunk


class _Collector:
    """Parser target that builds only the wanted elements and hands each over when done."""

    def __init__(self, wanted: set[str]):
        self.wanted = wanted
        self.parser: DefusedXMLParser | None = None
        self.stack: list[Element | None] = []
        self.ready: list[tuple[int, Element]] = []
        self._lines: list[int] = []
        self._text: list[str] = []

    def _flush_text(self) -> None:
        if not self._text:
            return
        text = "".join(self._text)
        self._text = []
        current = self.stack[-1] if self.stack else None
        if current is None:
            return
        if len(current):
            last = current[-1]
            last.tail = (last.tail or "") + text
        else:
            current.text = (current.text or "") + text

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self._flush_text()
        parent = self.stack[-1] if self.stack else None
        if parent is not None or tag in self.wanted:
            element = Element(tag, attrs)
            if parent is not None:
                parent.append(element)
            if tag in self.wanted and parent is None:
                self._lines.append(self.parser.parser.CurrentLineNumber)
            self.stack.append(element)
        else:
            self.stack.append(None)

    def end(self, tag: str) -> None:
        self._flush_text()
        element = self.stack.pop()
        if element is not None and tag in self.wanted and (not self.stack or self.stack[-1] is None):
            self.ready.append((self._lines.pop(), element))

    def data(self, text: str) -> None:
        if self.stack and self.stack[-1] is not None:
            self._text.append(text)

    def close(self) -> None:
        return None


def iter_elements(stream: BinaryIO, wanted: set[str]) -> Iterator[tuple[int, Element]]:
    """Yield (line, element) for each outermost element whose tag is in `wanted`.

    Tags use ElementTree's "{namespace}name" form; list a resumption token or an error
    element among `wanted` to receive it too.
    """
    collector = _Collector(wanted)
    parser = DefusedXMLParser(target=collector, forbid_dtd=True)
    collector.parser = parser
    try:
        while True:
            chunk = stream.read(CHUNK_BYTES)
            if not chunk:
                break
            parser.feed(chunk)
            yield from _drain(collector)
        parser.close()
        yield from _drain(collector)
    except ParseError as exc:
        yield from _drain(collector)  # elements completed before the error still count
        line = exc.position[0] if getattr(exc, "position", None) else 0
        raise XMLStreamError(line, f"malformed XML: {exc}") from None
    except DefusedXmlException as exc:
        raise XMLStreamError(parser.parser.CurrentLineNumber,
                             f"refused XML construct: {type(exc).__name__}") from None


def _drain(collector: _Collector) -> Iterator[tuple[int, Element]]:
    ready, collector.ready = collector.ready, []
    yield from ready


def capped_elements(stream: BinaryIO, wanted: set[str], name: str, limit: int
                    ) -> Iterator[tuple[str, Element | None, str | None]]:
    """(origin, element, None) for each wanted element of a document of at most `limit`
    bytes; a malformed, hostile or oversized document ends with (origin, None, reason)."""
    reader = CappedReader(stream, limit)
    try:
        for line, element in iter_elements(reader, wanted):
            yield f"{name}:{line}", element, None
    except XMLStreamError as exc:
        yield f"{name}:{exc.line}", None, str(exc)
    except DocumentTooLarge:
        yield f"{name}:{reader.lines}", None, f"document larger than {limit:,} bytes"
