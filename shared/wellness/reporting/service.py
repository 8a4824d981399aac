"""Reporting use cases: apply the events, answer the summary and the daily report.

Every report is computed from the recorded facts when asked, in the user's zone as
of the newest event that named one (UTC until one arrives), so the same events in
any order, any number of times, give the same report.

    >>> service = ReportingService(runtime.unit_of_work)             # doctest: +SKIP
    >>> service.summary(user_id)["currentStreak"]                    # doctest: +SKIP
    3
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from ..errors import ValidationError
from ..events import Event
from ..paging import decode_cursor, encode_cursor
from ..postgres import UnitOfWork
from ..program.model import local_date
from . import store
from .model import average, check_range, days_between, streaks, window

FALLBACK_AS_OF = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _instant(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


class ReportingService:
    def __init__(self, unit_of_work: Callable[[], UnitOfWork], clock: Callable[[], dt.datetime] = _utc_now):
        self._uow = unit_of_work
        self._clock = clock

    def _today(self, uow: UnitOfWork, user_id: str) -> dt.date:
        row = store.user_row(uow.connection, user_id)
        return local_date(self._clock(), row.timezone if row is not None else None)

    def summary(self, user_id: str) -> dict[str, Any]:
        with self._uow() as uow:
            conn = uow.connection
            today = self._today(uow, user_id)
            days, completed = store.completion_days(conn, user_id)
            moods = store.reflections_between(conn, user_id, window(today, 30)[0], today)
            reflections = store.reflection_count(conn, user_id)
        found = streaks(days, today=today)
        week_start = window(today, 7)[0]
        return {
            "currentStreak": found.current,
            "longestStreak": found.longest,
            "tasksCompleted": completed,
            "reflectionsLogged": reflections,
            "averageMood7d": average(mood for day, mood in moods if day >= week_start),
            "averageMood30d": average(mood for _, mood in moods),
            "today": today.isoformat(),
        }

    def daily(self, user_id: str, first: dt.date, last: dt.date, limit: int, cursor: str | None) -> dict[str, Any]:
        """One row per local day of [first, last] (at most MAX_RANGE_DAYS), `limit` days a page."""
        problem = check_range(first, last)
        if problem:
            raise ValidationError("invalid_range", f"The date range is not valid: {problem}.")
        after = decode_cursor(cursor)
        try:
            start = dt.date.fromisoformat(after) + dt.timedelta(days=1) if after else first
        except ValueError:
            raise ValidationError("invalid_cursor", "The cursor is not one this list gave out.") from None
        days = [d for d in days_between(first, last) if d >= start]
        shown, more = days[:limit], len(days) > limit
        with self._uow() as uow:
            counts = store.completions_between(uow.connection, user_id, first, last)
            moods = store.reflections_between(uow.connection, user_id, first, last)
        items = []
        for day in shown:
            day_moods = [mood for d, mood in moods if d == day]
            items.append(
                {
                    "date": day.isoformat(),
                    "tasksCompleted": counts.get(day, 0),
                    "reflectionsLogged": len(day_moods),
                    "averageMood": average(day_moods),
                }
            )
        return {"items": items, "nextCursor": encode_cursor(shown[-1].isoformat()) if more and shown else None}


def apply_timezone(event: Event, uow: UnitOfWork) -> None:
    """user.created or profile.updated: remember the zone, unless a newer event already named one."""
    store.remember_timezone(uow.connection, event.data["userId"], event.data["timezone"], _instant(event.occurred_at))


def apply_task_completed(event: Event, uow: UnitOfWork) -> None:
    data = event.data
    # The event's zone stands in only until user.created or profile.updated names one (FALLBACK_AS_OF
    # loses to both, whatever the order). The upsert also locks the user's row, so a concurrent
    # user.deleted either waits for this transaction or is seen by it.
    store.remember_timezone(uow.connection, data["userId"], data["timezone"], FALLBACK_AS_OF)
    if store.is_deleted(uow.connection, data["userId"]):
        return  # arrived after user.deleted: the user's data stays erased
    store.add_completion(
        uow.connection,
        data["userId"],
        data["taskId"],
        dt.date.fromisoformat(data["date"]),
        _instant(data["completedAt"]),
    )


def apply_reflection_logged(event: Event, uow: UnitOfWork) -> None:
    data = event.data
    store.remember_timezone(uow.connection, data["userId"], data["timezone"], FALLBACK_AS_OF)
    if store.is_deleted(uow.connection, data["userId"]):
        return
    store.add_reflection(
        uow.connection, data["userId"], data["reflectionId"], dt.date.fromisoformat(data["date"]), data["mood"]
    )


def apply_user_deleted(event: Event, uow: UnitOfWork) -> None:
    store.erase_user(uow.connection, event.data["userId"], _instant(event.occurred_at))
