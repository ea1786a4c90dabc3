"""The polite HTTP client every source fetches through.

- a descriptive User-Agent with the operator's contact;
- connect and read timeouts;
- at least `min_interval` seconds between the starts of two requests (arXiv asks for 3);
- retries of passing failures (timeouts, connection errors, 429, 5xx) with exponential
  backoff and jitter, and Retry-After / rate-limit reset times honoured, up to a limit;
- conditional requests (If-None-Match / If-Modified-Since) when validators are given;
- a cap on the size of a response body, read as a stream.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timezone
from email.utils import parsedate_to_datetime

import httpx

from .. import __version__
from ..config import Config
from .errors import HarvestError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchError(HarvestError):
    """A request that cannot succeed now; the run that made it stops cleanly."""


@dataclass
class Validators:
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class Response:
    url: str
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def validators(self) -> Validators:
        return Validators(self.headers.get("etag"), self.headers.get("last-modified"))


def user_agent(contact: str) -> str:
    reach = f"mailto:{contact}" if contact and "@" in contact and "://" not in contact else contact
    return (f"Paperwire/{__version__} (self-hosted paper harvester; "
            f"{reach or 'contact not configured: set PAPERWIRE_HARVEST_CONTACT'})")


class PoliteClient:
    def __init__(self, *, min_interval: float, contact: str = "", connect_timeout: float = 10.0,
                 read_timeout: float = 60.0, max_retries: int = 4, backoff: float = 2.0,
                 max_wait: float = 900.0, max_bytes: int = 64_000_000,
                 headers: Mapping[str, str] | None = None,
                 on_retry: Callable[[str], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], float] = time.time):
        self.min_interval = min_interval
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.max_bytes = max_bytes
        self.on_retry = on_retry
        self._sleep, self._monotonic, self._wall_clock = sleep, monotonic, wall_clock
        self._last_start: float | None = None
        self._blocked_until: float | None = None  # a rate limit's reset, in wall-clock time
        self._http = httpx.Client(
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            headers={"User-Agent": user_agent(contact), **(headers or {})},
            follow_redirects=True, max_redirects=5)

    @classmethod
    def from_config(cls, config: Config, *, min_interval: float, **kwargs) -> PoliteClient:
        return cls(min_interval=min_interval, contact=config.harvest_contact,
                   connect_timeout=config.http_connect_timeout,
                   read_timeout=config.http_read_timeout, max_retries=config.http_max_retries,
                   backoff=config.http_backoff_seconds, max_wait=config.http_max_wait_seconds,
                   max_bytes=config.http_max_response_bytes, **kwargs)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- one request, with retries ----------------------------------------------------------

    def get(self, url: str, params: Mapping[str, str] | None = None, *,
            validators: Validators | None = None,
            headers: Mapping[str, str] | None = None) -> Response:
        """GET `url`. Passing failures are retried; any other status comes back for the
        caller to judge (an API's 400 carries its error message)."""
        request_headers = dict(headers or {})
        if validators and validators.etag:
            request_headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            request_headers["If-Modified-Since"] = validators.last_modified
        attempt = 0
        while True:
            self._wait_for_turn()
            try:
                response = self._fetch(url, params, request_headers)
            except httpx.TransportError as exc:
                reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                attempt = self._retry_or_fail(attempt, url, reason, None)
                continue
            self._note_rate_limit(response)
            if response.status in RETRY_STATUSES or _rate_limited(response):
                hint = self._wait_hint(response)
                attempt = self._retry_or_fail(attempt, url, f"HTTP {response.status}", hint)
                continue
            return response

    def _fetch(self, url: str, params: Mapping[str, str] | None,
               headers: Mapping[str, str]) -> Response:
        with self._http.stream("GET", url, params=params, headers=headers) as streamed:
            declared = streamed.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchError(f"{streamed.url}: response of {int(declared):,} bytes is "
                                 f"larger than the {self.max_bytes:,}-byte limit")
            chunks, size = [], 0
            for chunk in streamed.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(f"{streamed.url}: response larger than the "
                                     f"{self.max_bytes:,}-byte limit")
                chunks.append(chunk)
            return Response(str(streamed.url), streamed.status_code, b"".join(chunks),
                            {k.lower(): v for k, v in streamed.headers.items()})

    def _retry_or_fail(self, attempt: int, url: str, reason: str, hint: float | None) -> int:
        if attempt >= self.max_retries:
            raise FetchError(f"{url}: {reason}, still failing after {attempt} retries")
        if hint is not None and hint > self.max_wait:
            raise FetchError(f"{url}: {reason}, and the server asks to wait {hint:,.0f} s, "
                             f"longer than http_max_wait_seconds ({self.max_wait:,.0f} s)")
        delay = hint if hint is not None else self._backoff(attempt)
        if self.on_retry:
            self.on_retry(f"{reason}; retrying in {delay:.1f} s")
        self._sleep(delay)
        return attempt + 1

    def _backoff(self, attempt: int) -> float:
        """Exponential, with "equal jitter": half fixed, half random, capped at max_wait."""
        ceiling = min(self.max_wait, self.backoff * (2 ** attempt))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    # -- spacing and rate limits ------------------------------------------------------------

    def _wait_for_turn(self) -> None:
        if self._blocked_until is not None:
            remaining = self._blocked_until - self._wall_clock()
            self._blocked_until = None
            if remaining > self.max_wait:
                raise FetchError(f"rate limit exhausted; it resets in {remaining:,.0f} s, "
                                 f"longer than http_max_wait_seconds ({self.max_wait:,.0f} s)")
            if remaining > 0:
                self._sleep(remaining)
        if self._last_start is not None:
            remaining = self._last_start + self.min_interval - self._monotonic()
            if remaining > 0:
                self._sleep(remaining)
        self._last_start = self._monotonic()

    def _note_rate_limit(self, response: Response) -> None:
        """A successful response that used the last request of the window (GitHub's
        X-RateLimit-Remaining: 0) makes the next request wait for the reset."""
        if response.headers.get("x-ratelimit-remaining") == "0" and response.status < 400:
            reset = _number(response.headers.get("x-ratelimit-reset"))
            if reset is not None:
                self._blocked_until = reset

    def _wait_hint(self, response: Response) -> float | None:
        retry_after = response.headers.get("retry-after")
        if retry_after:
            seconds = _number(retry_after)
            if seconds is None:
                try:
                    moment = parsedate_to_datetime(retry_after)
                    if moment.tzinfo is None:
                        moment = moment.replace(tzinfo=timezone.utc)
                    seconds = moment.timestamp() - self._wall_clock()
                except (TypeError, ValueError):
                    seconds = None
            if seconds is not None:
                return max(seconds, 0.0)
        if response.headers.get("x-ratelimit-remaining") == "0":
            reset = _number(response.headers.get("x-ratelimit-reset"))
            if reset is not None:
                return max(reset - self._wall_clock(), 0.0)
        return None


def _rate_limited(response: Response) -> bool:
    """GitHub answers 403 (not 429) when the primary rate limit is used up."""
    return response.status == 403 and (response.headers.get("x-ratelimit-remaining") == "0"
                                       or "retry-after" in response.headers)


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None and value.strip() else None
    except ValueError:
        return None

