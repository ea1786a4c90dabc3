"""Sending one message with retries: a temporary failure (4xx, a dropped connection) is
tried again after a growing pause; a permanent one (5xx) is a bounce, never retried."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    status: str  # sent | failed | bounced
    attempts: int
    error: str | None = None


class Sender:
    def __init__(self, transport, *, attempts: int, backoff: float,  # noqa: ANN001
                 sleep: Callable[[float], None] = time.sleep):
        self.transport, self.attempts, self.backoff, self.sleep = (
            transport, attempts, backoff, sleep)

    def send(self, message) -> Outcome:  # noqa: ANN001 - a paperwire.mail.OutgoingMessage
        from ..mail import PermanentFailure, TemporaryFailure

        error = None
        for attempt in range(1, self.attempts + 1):
            try:
                self.transport.send(message)
                return Outcome("sent", attempt)
            except PermanentFailure as exc:
                return Outcome("bounced", attempt, str(exc) or type(exc).__name__)
            except TemporaryFailure as exc:
                error = str(exc) or type(exc).__name__
                if attempt < self.attempts:
                    pause = self.backoff * 2 ** (attempt - 1)
                    self.sleep(pause * random.uniform(0.8, 1.2))
        return Outcome("failed", self.attempts, error)
