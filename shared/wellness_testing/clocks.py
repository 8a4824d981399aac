"""Clocks a test moves by hand: the library takes `clock` callables, so no test sleeps.

`ManualClock` stands for wall time (aware UTC datetimes, what services stamp records
with); `ManualTimer` for monotonic seconds (what deadlines, caches and breakers count).

    >>> clock = ManualClock()
    >>> start = clock()
    >>> clock.advance(90)
    >>> (clock() - start).total_seconds()
    90.0
    >>> timer = ManualTimer()
    >>> timer.advance(2.5)
    >>> timer()
    1002.5
"""

from __future__ import annotations

import dataclasses
import datetime as dt


@dataclasses.dataclass
class ManualClock:
    """Now, as a test sets it (`clock.now = ...`) or moves it (`clock.advance(seconds)`)."""

    now: dt.datetime = dataclasses.field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@dataclasses.dataclass
class ManualTimer:
    """Monotonic seconds, as a test sets or moves them."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
