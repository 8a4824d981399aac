"""Reporting use cases: apply the events, answer the summary and the daily report.

Every report is computed from the recorded facts when asked, in the user's zone as
of the newest event that named one (UTC until one arrives), so the same events in
any order, any number of times, give the same report.

    >>> import datetime as dt
    >>> from wellness_testing.factories import task_completed
    >>> from wellness_testing.fakes.reporting import fake_reporting_service
    >>> service, uow = fake_reporting_service(clock=dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    >>> done = task_completed(date="2026-11-27", timezone="Europe/Paris")
    >>> uow.run(lambda store: service.on_task_completed(store, done))
    >>> summary = service.summary(done.user_id)
    >>> summary["currentStreak"], summary["tasksCompleted"], summary["today"]
    (1, 1, '2026-11-27')
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Mapping

from ..platform.clock import local_date, parse_timestamp, utc_now
from ..platform.errors import ValidationError
from ..platform.events import Event
from ..platform.paging import decode_cursor, encode_cursor
from ..platform.ports import UnitOfWork
from .model import Completion, Day, Reflection, Summary, check_range, daily, days_between, summarize, window
from .ports import ReportingStore

FALLBACK_AS_OF = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)  # older than any event: a fact's zone is only a stand-in


def _invalid_cursor() -> ValidationError:
    return ValidationError("invalid_cursor", "The cursor is not one this list gave out; start again without it.")


def _days_after_cursor(first: dt.date, last: dt.date, cursor: str | None) -> list[dt.date]:
    """The days of [first, last] after the cursor's day; 400 for a cursor this range never gave out.

    A cursor names a day before `last` (one is given only when days follow it), so a
    tampered one, such as 9999-12-31, is a 400 rather than a step past the calendar's end.
    """
    after = decode_cursor(cursor)
    if after is None:
        return days_between(first, last)
    try:
        day = dt.date.fromisoformat(after)
    except ValueError:
        raise _invalid_cursor() from None
    if not first <= day < last:
        raise _invalid_cursor()
    return days_between(day + dt.timedelta(days=1), last)


class ReportingService:
    def __init__(self, unit_of_work: UnitOfWork[ReportingStore], clock: Callable[[], dt.datetime] = utc_now):
        self.unit_of_work = unit_of_work  # subscribers record their deliveries in its transactions
        self._clock = clock

    def _today(self, store: ReportingStore, user_id: str) -> dt.date:
        return local_date(self._clock(), store.zones.get(user_id))

    def summary(self, user_id: str) -> dict[str, Any]:
        """Streaks, totals, and the average moods of the last 7 and 30 local days, as of the user's today."""

        def work(store: ReportingStore) -> Summary:
            today = self._today(store, user_id)
            return summarize(
                store.facts.completions_per_day(user_id),
                store.facts.reflections(user_id, *window(today, 30)),
                reflections_logged=store.facts.reflection_count(user_id),
                today=today,
            )

        return self.unit_of_work.read(work).to_json()

    def daily(self, user_id: str, first: dt.date, last: dt.date, limit: int, cursor: str | None) -> dict[str, Any]:
        """One row per local day of [first, last] (at most MAX_RANGE_DAYS), `limit` days a page."""
        problem = check_range(first, last)
        if problem:
            raise ValidationError("invalid_range", f"The date range is not valid: {problem}.")
        days = _days_after_cursor(first, last, cursor)
        shown, more = days[:limit], len(days) > limit

        def work(store: ReportingStore) -> list[Day]:
            counts = store.facts.completions_per_day(user_id, first, last)
            return daily(shown, counts, store.facts.reflections(user_id, first, last))

        items = [day.to_json() for day in self.unit_of_work.read(work)]
        return {"items": items, "nextCursor": encode_cursor(shown[-1].isoformat()) if more and shown else None}

    def on_user_created(self, store: ReportingStore, event: Event) -> None:
        """The new user's zone, unless a newer event named one already."""
        self._remember_zone(store, event)

    def on_profile_updated(self, store: ReportingStore, event: Event) -> None:
        """The user's zone as of the update, unless a newer event named one already."""
        self._remember_zone(store, event)

    def _remember_zone(self, store: ReportingStore, event: Event) -> None:
        store.zones.remember(event.data["userId"], event.data["timezone"], parse_timestamp(event.occurred_at))

    def on_task_completed(self, store: ReportingStore, event: Event) -> None:
        data = event.data
        self._stand_in_zone(store, data)
        day, at = dt.date.fromisoformat(data["date"]), parse_timestamp(data["completedAt"])
        store.facts.add_completion(data["userId"], Completion(data["taskId"], day, at))

    def on_reflection_logged(self, store: ReportingStore, event: Event) -> None:
        data = event.data
        self._stand_in_zone(store, data)
        day = dt.date.fromisoformat(data["date"])
        store.facts.add_reflection(data["userId"], Reflection(data["reflectionId"], day, data["mood"]))

    def _stand_in_zone(self, store: ReportingStore, data: Mapping[str, Any]) -> None:
        """The fact's zone, only until user.created or profile.updated names one (FALLBACK_AS_OF loses to both)."""
        store.zones.remember(data["userId"], data["timezone"], FALLBACK_AS_OF)

    def on_user_deleted(self, store: ReportingStore, event: Event) -> None:
        """Erase the user's facts and zone; `@subscriber` already wrote the tombstone that drops late events."""
        store.erase_user(event.data["userId"])
