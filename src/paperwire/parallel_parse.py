"""Parse the lines of a large line-oriented input in worker processes.

The main process reads big blocks of whole lines (no per-line work) and writes to the
store; workers split, decode and parse the lines into encoded papers (the expensive part)
and hand them back as JSON bytes, which cost far less to pass between processes than
pickled objects. Order is preserved and only a few blocks are in flight, so memory stays
flat however large the input.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import signal
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import BinaryIO

import orjson

from . import formats
from .formats.base import (
    STREAM_ERRORS, ParseOptions, Rejection, decode_line, ends_early, skip_rest_of_line, too_long,
)
from .formats.inputs import InputFile
from .store.papers import encode_paper

log = logging.getLogger(__name__)

BLOCK_BYTES = 1 << 20
BLOCKS_IN_FLIGHT_PER_WORKER = 3


def _worker_init() -> None:
    # Ctrl-C reaches the whole process group; the parent stops the import and shuts the
    # pool down. A worker dying of it mid-task could leave that shutdown waiting forever.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Parsing allocates millions of short-lived acyclic objects: collect less often.
    gc.freeze()
    gc.set_threshold(100_000, 50, 50)


def _probe() -> bool:
    return True


def _parse_block(format_name: str, name: str, first_line: int, block: bytes,
                 max_bytes: int) -> bytes:
    fmt = formats.by_name(format_name)
    out: list[list] = []
    pieces = block.split(b"\n")
    if pieces and pieces[-1] == b"":
        pieces.pop()
    for offset, raw in enumerate(pieces):
        number = first_line + offset
        if len(raw) > max_bytes:
            rejection = too_long(name, number, max_bytes)
        else:
            line = decode_line(raw, number, name)
            if line is None:
                continue
            if isinstance(line, Rejection):
                rejection = line
            else:
                result = fmt.parse_line(line, f"{name}:{number}")
                if not isinstance(result, Rejection):
                    out.append(encode_paper(result.record))
                    continue
                rejection = result
        out.append([rejection.origin, rejection.reason])
    return orjson.dumps(out)


def _blocks(stream: BinaryIO, name: str, max_bytes: int) -> Iterator[tuple[int, bytes] | Rejection]:
    """(first line number, block of whole lines); a Rejection if the stream breaks."""
    line = 1
    while True:
        try:
            block = stream.read(BLOCK_BYTES)
            if not block:
                return
            skipped = False
            if not block.endswith(b"\n"):
                tail = stream.readline(max_bytes + 1)
                block += tail
                if len(tail) > max_bytes and not tail.endswith(b"\n"):
                    skip_rest_of_line(stream)  # the worker reports the line as too long
                    skipped = True
        except STREAM_ERRORS as exc:
            yield ends_early(name, line, exc)
            return
        yield line, block
        line += block.count(b"\n") + skipped


class ParallelParser:
    """A pool of parser processes, started on first use and reused across inputs."""

    def __init__(self, workers: int):
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._failed = False

    def available(self) -> bool:
        """Start the pool if needed; False (and a log line) if processes cannot be used here,
        e.g. when the calling program cannot be re-imported by a child process."""
        if self._pool is not None:
            return True
        if self._failed or self.workers < 2:
            return False
        pool = ProcessPoolExecutor(max_workers=self.workers,
                                   mp_context=multiprocessing.get_context("forkserver"),
                                   initializer=_worker_init)
        try:
            pool.submit(_probe).result(timeout=120)
        except Exception as exc:  # BrokenProcessPool, OSError, timeout: all mean "serial"
            log.warning("parsing in one process: worker processes unavailable (%s)", exc)
            pool.shutdown(wait=False, cancel_futures=True)
            self._failed = True
            return False
        self._pool = pool
        return True

    def encoded(self, fmt, input_file: InputFile, options: ParseOptions  # noqa: ANN001
                ) -> Iterator[Rejection | list]:
        """Yield, in input order, a Rejection or an encoded paper for each record line.
        Call available() first."""
        pending: deque[Future] = deque()
        window = self.workers * BLOCKS_IN_FLIGHT_PER_WORKER
        for item in _blocks(input_file.stream, input_file.name, options.max_record_bytes):
            if isinstance(item, Rejection):
                while pending:
                    yield from _decode(pending.popleft().result())
                yield item
                return
            first_line, block = item
            pending.append(self._pool.submit(_parse_block, fmt.name, input_file.name,
                                             first_line, block, options.max_record_bytes))
            while len(pending) >= window:
                yield from _decode(pending.popleft().result())
        while pending:
            yield from _decode(pending.popleft().result())

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _decode(payload: bytes) -> Iterator[Rejection | list]:
    for item in orjson.loads(payload):
        yield Rejection(item[0], item[1]) if len(item) == 2 else item
