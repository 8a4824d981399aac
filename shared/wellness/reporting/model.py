"""The reporting domain's rules, pure: streaks over local days, mood averages, windows and date ranges.

A streak counts consecutive local days with at least one completed task. The
current streak still holds today until the day is over: it ends today when today
has a completion, else yesterday; otherwise it is 0. Days are the local days the
events carry, so a change of time zone or a daylight-saving change never splits
or merges a day after the fact.

    >>> import datetime as dt
    >>> d = dt.date(2026, 11, 27)
    >>> streaks({d, d - dt.timedelta(1), d - dt.timedelta(5)}, today=d)
    Streaks(current=2, longest=2)
    >>> found = summarize({d: 2, d - dt.timedelta(1): 1}, [Reflection("r1", d, 4)], reflections_logged=1, today=d)
    >>> found.streaks, found.tasks_completed, found.average_mood_7d
    (Streaks(current=2, longest=2), 3, 4.0)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Iterable, Mapping

MAX_RANGE_DAYS = 92  # the daily report covers at most about a quarter


@dataclasses.dataclass(frozen=True)
class Completion:
    """A completed task, counted on the local day its event carries (one per task and day)."""

    task_id: str
    date: dt.date
    completed_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class Reflection:
    """A logged reflection's mood (1 to 5), counted on the local day its event carries."""

    reflection_id: str
    date: dt.date
    mood: int


@dataclasses.dataclass(frozen=True)
class Streaks:
    current: int
    longest: int


@dataclasses.dataclass(frozen=True)
class Summary:
    streaks: Streaks
    tasks_completed: int
    reflections_logged: int
    average_mood_7d: float | None
    average_mood_30d: float | None
    today: dt.date

    def to_json(self) -> dict[str, Any]:
        return {
            "currentStreak": self.streaks.current,
            "longestStreak": self.streaks.longest,
            "tasksCompleted": self.tasks_completed,
            "reflectionsLogged": self.reflections_logged,
            "averageMood7d": self.average_mood_7d,
            "averageMood30d": self.average_mood_30d,
            "today": self.today.isoformat(),
        }


@dataclasses.dataclass(frozen=True)
class Day:
    """One row of the daily report."""

    date: dt.date
    tasks_completed: int
    moods: tuple[int, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "tasksCompleted": self.tasks_completed,
            "reflectionsLogged": len(self.moods),
            "averageMood": average(self.moods),
        }


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


def summarize(
    completions_per_day: Mapping[dt.date, int],
    reflections: Iterable[Reflection],
    *,
    reflections_logged: int,
    today: dt.date,
) -> Summary:
    """The summary as of `today` from the completions counted per day and the reflections of the last 30 days.

    Reflections outside the 30 days ending today count for neither average.
    """
    week, month = window(today, 7)[0], window(today, 30)[0]
    recent = [r for r in reflections if month <= r.date <= today]
    return Summary(
        streaks=streaks(completions_per_day, today=today),
        tasks_completed=sum(completions_per_day.values()),
        reflections_logged=reflections_logged,
        average_mood_7d=average(r.mood for r in recent if r.date >= week),
        average_mood_30d=average(r.mood for r in recent),
        today=today,
    )


def check_range(first: dt.date, last: dt.date) -> str | None:
    """Why [first, last] is not a range the daily report serves, or None when it is."""
    if last < first:
        return "`to` is before `from`"
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        return f"the range is longer than {MAX_RANGE_DAYS} days"
    return None


def days_between(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def daily(
    days: Iterable[dt.date], completions_per_day: Mapping[dt.date, int], reflections: Iterable[Reflection]
) -> list[Day]:
    """A row for each of `days`, with the completions and the moods counted on it."""
    moods: dict[dt.date, list[int]] = {}
    for reflection in reflections:
        moods.setdefault(reflection.date, []).append(reflection.mood)
    return [Day(day, completions_per_day.get(day, 0), tuple(moods.get(day, ()))) for day in days]
