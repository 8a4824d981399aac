"""Program use cases: browse the catalog, enroll, see the day's tasks, complete them.

"Today" and every day is the user's local day, in the zone this domain last heard
of from `user.created` or `profile.updated`; UTC until it has heard of one.

    >>> service = ProgramService(runtime.unit_of_work)                  # doctest: +SKIP
    >>> service.complete("user-id", "mindful-7-d1", None)                # doctest: +SKIP
    ({'taskId': 'mindful-7-d1', 'date': '2026-11-27', 'completedAt': '...'}, True)
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from ..errors import ConflictError, NotFoundError
from ..events import Event
from ..paging import decode_cursor, page_by_key
from ..postgres import UnitOfWork
from . import model, store
from .model import due_day, due_tasks, local_date, parse_task_id


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _program_not_found() -> NotFoundError:
    return NotFoundError("program_not_found", "There is no such program.")


def _enrollment_json(row: Any) -> dict[str, Any]:
    return {"programId": row.program_id, "startedOn": row.started_on.isoformat(), "enrolledAt": _iso(row.enrolled_at)}


class ProgramService:
    def __init__(self, unit_of_work: Callable[[], UnitOfWork], clock: Callable[[], dt.datetime] = _utc_now):
        self._uow = unit_of_work
        self._clock = clock

    def list_programs(self, limit: int, cursor: str | None) -> dict[str, Any]:
        after = decode_cursor(cursor)
        with self._uow() as uow:
            rows = store.list_programs(uow.connection, after=after, limit=limit + 1)
        items, next_cursor = page_by_key([(r.id, store.program_json(r)) for r in rows], limit)
        return {"items": items, "nextCursor": next_cursor}

    def get_program(self, program_id: str) -> dict[str, Any]:
        with self._uow() as uow:
            row = store.get_program(uow.connection, program_id)
            if row is None:
                raise _program_not_found()
            tasks = store.tasks_of(uow.connection, program_id)
        return {
            **store.program_json(row),
            "tasks": [{"taskId": t.id, "day": t.day, "title": t.title, "description": t.description} for t in tasks],
        }

    def today(self, uow: UnitOfWork, user_id: str) -> tuple[dt.date, str]:
        timezone = store.timezone_of(uow.connection, user_id) or "UTC"
        return local_date(self._clock(), timezone), timezone

    def enroll(self, user_id: str, program_id: str) -> dict[str, Any]:
        """Start the program today (local): day 1 is due today. 409 when already enrolled."""
        with self._uow() as uow:
            program = store.get_program(uow.connection, program_id)
            if program is None:
                raise _program_not_found()
            today, _ = self.today(uow, user_id)
            row = store.enroll(uow.connection, user_id, program_id, today)
            if row is None:
                raise ConflictError("already_enrolled", "You are already enrolled in this program.")
            uow.commit()
        return {**_enrollment_json(row), "title": program.title, "durationDays": program.duration_days}

    def unenroll(self, user_id: str, program_id: str) -> None:
        with self._uow() as uow:
            if not store.unenroll(uow.connection, user_id, program_id):
                raise NotFoundError("enrollment_not_found", "You are not enrolled in this program.")
            uow.commit()

    def enrollments(self, user_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
        after = decode_cursor(cursor)
        with self._uow() as uow:
            rows = store.enrollments_of(uow.connection, user_id, after=after, limit=limit + 1)
        items, next_cursor = page_by_key(
            [(r.program_id, {**_enrollment_json(r), "title": r.title, "durationDays": r.duration_days}) for r in rows],
            limit,
        )
        return {"items": items, "nextCursor": next_cursor}

    def tasks_on(self, user_id: str, date: dt.date | None) -> dict[str, Any]:
        """The tasks due on `date` (default: the user's today) for each enrollment, with their completion."""
        with self._uow() as uow:
            day = date or self.today(uow, user_id)[0]
            enrollments = store.as_enrollments(store.enrollments_of(uow.connection, user_id))
            due = due_tasks(enrollments, day)
            tasks = [t for pid, n in due if (t := store.get_task(uow.connection, model.task_id(pid, n))) is not None]
            done = store.completed_on(uow.connection, user_id, day, [t.id for t in tasks])
        items = [
            {"taskId": t.id, "programId": t.program_id, "day": t.day, "title": t.title, "completed": t.id in done}
            for t in tasks
        ]
        return {"date": day.isoformat(), "items": items}

    def complete(self, user_id: str, task_id: str, date: dt.date | None) -> tuple[dict[str, Any], bool]:
        """(the completion, whether it is new). New ones write `task.completed` in the same transaction."""
        parsed = parse_task_id(task_id)
        with self._uow() as uow:
            conn = uow.connection
            task = store.get_task(conn, task_id) if parsed else None
            if task is None:
                raise NotFoundError("task_not_found", "There is no such task.")
            today, timezone = self.today(uow, user_id)
            day = date or today
            enrollment = next(
                (
                    e
                    for e in store.as_enrollments(store.enrollments_of(conn, user_id))
                    if e.program_id == task.program_id
                ),
                None,
            )
            if enrollment is None:
                raise ConflictError("not_enrolled", "You are not enrolled in this task's program.")
            if day > today or due_day(enrollment.started_on, enrollment.duration_days, day) != task.day:
                raise ConflictError("task_not_due", "This task is not due on that day.")
            row, created = store.complete(conn, user_id, task_id, day, self._clock())
            body = {"taskId": task_id, "date": day.isoformat(), "completedAt": _iso(row.completed_at)}
            if created:
                uow.outbox.add(
                    Event.new(
                        "task.completed",
                        user_id=user_id,
                        data={
                            "userId": user_id,
                            "taskId": task_id,
                            "programId": task.program_id,
                            "day": task.day,
                            "date": body["date"],
                            "completedAt": body["completedAt"],
                            "timezone": timezone,
                        },
                    )
                )
            uow.commit()
        return body, created


def apply_timezone(event: Event, uow: UnitOfWork) -> None:
    """From user.created or profile.updated: the user's zone as of the event."""
    store.remember_timezone(
        uow.connection,
        event.data["userId"],
        event.data["timezone"],
        dt.datetime.fromisoformat(event.occurred_at.replace("Z", "+00:00")),
    )


def apply_user_deleted(event: Event, uow: UnitOfWork) -> None:
    store.erase_user(uow.connection, event.data["userId"])
