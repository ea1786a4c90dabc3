"""Parse the lines of a large line-oriented input in worker processes.

The main process reads and numbers lines (cheap) and writes to the store; workers turn
lines into encoded papers (the expensive part) and hand them back as JSON bytes, which
cost far less to pass between processes than pickled objects. Order is preserved and at
most a few chunks are in flight, so memory stays flat however large the input.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor

import orjson

from . import formats
from .formats.base import ParseOptions, Rejection, numbered_lines
from .formats.inputs import InputFile
from .store.papers import encode_paper

log = logging.getLogger(__name__)

CHUNK_LINES = 1000
CHUNKS_IN_FLIGHT_PER_WORKER = 3


def _worker_init() -> None:
    # Parsing allocates millions of short-lived acyclic objects: collect less often.
    gc.freeze()
    gc.set_threshold(100_000, 50, 50)


def _parse_chunk(format_name: str, name: str, lines: list[tuple[int, str]]) -> bytes:
    fmt = formats.by_name(format_name)
    out: list[list] = []
    for number, line in lines:
        result = fmt.parse_line(line, f"{name}:{number}")
        if isinstance(result, Rejection):
            out.append([result.origin, result.reason])
        else:
            out.append(encode_paper(result.record))
    return orjson.dumps(out)


def _probe() -> bool:
    return True


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
        pool = self._pool
        pending: deque[Future] = deque()
        window = self.workers * CHUNKS_IN_FLIGHT_PER_WORKER
        chunk: list[tuple[int, str]] = []
        for number, line in numbered_lines(input_file.stream, input_file.name,
                                           options.max_record_bytes):
            if isinstance(line, Rejection):
                yield line
                continue
            chunk.append((number, line))
            if len(chunk) >= CHUNK_LINES:
                pending.append(pool.submit(_parse_chunk, fmt.name, input_file.name, chunk))
                chunk = []
                while len(pending) >= window:
                    yield from _decode(pending.popleft().result())
        if chunk:
            pending.append(pool.submit(_parse_chunk, fmt.name, input_file.name, chunk))
        while pending:
            yield from _decode(pending.popleft().result())

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _decode(payload: bytes) -> Iterator[Rejection | list]:
    for item in orjson.loads(payload):
        yield Rejection(item[0], item[1]) if len(item) == 2 else item
