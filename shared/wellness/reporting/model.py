"""The reporting domain's rules, pure: streaks over local days, mood averages, date ranges.

A streak counts consecutive local days with at least one completed task. The
current streak still holds today until the day is over: it ends today when today
has a completion, else yesterday; otherwise it is 0. Days are the local days the
events carry, so a change of time zone or a daylight-saving change never splits
or merges a day after the fact.

    >>> import datetime as dt
    >>> d = dt.date(2026, 11, 27)
    >>> streaks({d, d - dt.timedelta(1), d - dt.timedelta(5)}, today=d)
    Streaks(current=2, longest=2)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Iterable

MAX_RANGE_DAYS = 92  # the daily report covers at most about a quarter


@dataclasses.dataclass(frozen=True)
class Streaks:
    current: int
    longest: int


def streaks(days: Iterable[dt.date], *, today: dt.date) -> Streaks:
    """Current and longest runs of consecutive days in `days` (days after `today` count for longest only)."""
    ordered = sorted(set(days))
    longest = run = 0
    previous: dt.date | None = None
    for day in ordered:
        run = run + 1 if previous is not None and (day - previous).days == 1 else 1
        longest = max(longest, run)
        previous = day
    present = set(ordered)
    end = today if today in present else today - dt.timedelta(days=1)
    current = 0
    while end - dt.timedelta(days=current) in present:
        current += 1
    return Streaks(current, longest)


def average(values: Iterable[int]) -> float | None:
    """The mean rounded to 2 places, or None with nothing to average."""
    items = list(values)
    return round(sum(items) / len(items), 2) if items else None


def window(today: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """The `days` local days ending today, inclusive: (first, today)."""
    return today - dt.timedelta(days=days - 1), today


def check_range(first: dt.date, last: dt.date) -> str | None:
    """Why [first, last] is not a range the daily report serves, or None when it is."""
    if last < first:
        return "`to` is before `from`"
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        return f"the range is longer than {MAX_RANGE_DAYS} days"
    return None


def days_between(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
