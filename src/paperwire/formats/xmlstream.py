"""Stream chosen elements out of an XML document in constant memory, with line numbers.

defusedxml's parser refuses entity expansion and external references, so hostile
documents (billion laughs, XXE) fail instead of eating memory or reading local files.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

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


class _Watcher:
    """Sits between expat and the parser's (C) tree builder: notes the line where each
    outermost wanted element starts, and hands it over when it ends, detached from its
    parent so that memory stays flat however long the document is."""

    def __init__(self, parser: DefusedXMLParser, wanted: set[str]):
        self.expat = parser.parser
        self.wanted = wanted
        self.open: list[Element] = []  # the elements open now, outermost first
        self.outer: int | None = None  # where in `open` the wanted element being built is
        self.line = 0
        self.ready: list[tuple[int, Element]] = []
        self._start, self._end = parser._start, parser._end
        self.expat.StartElementHandler = self.start
        self.expat.EndElementHandler = self.end

    def start(self, tag: str, attrs: list[str]) -> None:
        element = self._start(tag, attrs)
        if self.outer is None and element.tag in self.wanted:
            self.outer, self.line = len(self.open), self.expat.CurrentLineNumber
        self.open.append(element)

    def end(self, tag: str) -> None:
        element = self._end(tag)
        self.open.pop()
        if self.outer == len(self.open):
            self.outer = None
            if self.open:
                self.open[-1].remove(element)
            self.ready.append((self.line, element))


def iter_elements(stream: BinaryIO, wanted: set[str]) -> Iterator[tuple[int, Element]]:
    """Yield (line, element) for each outermost element whose tag is in `wanted`.

    Tags use ElementTree's "{namespace}name" form; list a resumption token or an error
    element among `wanted` to receive it too.
    """
    parser = DefusedXMLParser(target=TreeBuilder(), forbid_dtd=True)
    collector = _Watcher(parser, wanted)
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


def _drain(collector: _Watcher) -> Iterator[tuple[int, Element]]:
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
