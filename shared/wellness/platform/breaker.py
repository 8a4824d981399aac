"""A circuit breaker: after a call fails, skip it for a while, then let one call try again.

The prompt publish after a commit uses one per instance (shared by the Postgres and
Firestore units of work): when Pub/Sub is slow or down, one user waits out the short
publish timeout, and the requests after it skip the publish for `cooldown_seconds`
(the outbox relay publishes those events). Then a single request tries again; while
it does, the others still skip.

    >>> now = [0.0]
    >>> breaker = CircuitBreaker(cooldown_seconds=30, clock=lambda: now[0])
    >>> breaker.allow()
    True
    >>> breaker.failed(); breaker.allow()
    False
    >>> now[0] = 31.0; breaker.allow(), breaker.allow()   # one trial, the others still skip
    (True, False)
    >>> breaker.succeeded(); breaker.allow()
    True

pybreaker does the same with more states, but holds its lock for the whole call, so
concurrent requests of an instance would queue behind one slow publish: the thing
this is here to avoid.
"""

from __future__ import annotations

import threading
import time
from typing import Callable


class CircuitBreaker:
    def __init__(self, cooldown_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.cooldown_seconds = cooldown_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._closed = True
        self._retry_at = 0.0  # while open: when the next trial call may go

    @property
    def closed(self) -> bool:
        return self._closed

    def allow(self) -> bool:
        """Whether to make the call now (when open, one caller per cooldown gets a trial)."""
        with self._lock:
            if self._closed:
                return True
            now = self._clock()
            if now < self._retry_at:
                return False
            self._retry_at = now + self.cooldown_seconds  # the trial's own window: the others keep skipping
            return True

    def succeeded(self) -> None:
        with self._lock:
            self._closed = True

    def failed(self) -> None:
        with self._lock:
            self._closed = False
            self._retry_at = self._clock() + self.cooldown_seconds
