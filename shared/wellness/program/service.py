"""Program use cases: browse the catalog, enroll, see the day's tasks, complete them.

"Today" and every day is the user's local day, in the zone this domain last heard
of from `user.created` or `profile.updated`; UTC until it has heard of one.

    >>> from wellness_testing.fakes.program import fake_program_service
    >>> service, uow = fake_program_service()
    >>> user = "4b0d4a4e-3b8b-4a4e-9f8e-0d1c2b3a4f5e"
    >>> service.enroll(user, "mindful-7")["startedOn"] == service.tasks_on(user, None)["date"]
    True
    >>> body, created = service.complete(user, "mindful-7-d1", None)
    >>> created, [event.type for event in uow.published]
    (True, ['task.completed'])
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from ..platform.clock import local_date, parse_timestamp, utc_now
from ..platform.errors import ConflictError, NotFoundError
from ..platform.events import Event
from ..platform.paging import decode_cursor, page_by_key
from ..platform.ports import UnitOfWork
from .model import Completion, due_day, due_tasks, parse_task_id, task_id
from .ports import ProgramStore


def _program_not_found() -> NotFoundError:
    return NotFoundError("program_not_found", "There is no such program.")


class ProgramService:
    def __init__(self, unit_of_work: UnitOfWork[ProgramStore], clock: Callable[[], dt.datetime] = utc_now):
        self.unit_of_work = unit_of_work  # subscribers record their deliveries in its transactions
        self._clock = clock

    def _today(self, store: ProgramStore, user_id: str) -> tuple[dt.date, str]:
        timezone = store.zones.get(user_id) or "UTC"
        return local_date(self._clock(), timezone), timezone

    def list_programs(self, limit: int, cursor: str | None) -> dict[str, Any]:
        after = decode_cursor(cursor)
        programs = self.unit_of_work.read(lambda store: store.catalog.programs(after=after, limit=limit + 1))
        items, next_cursor = page_by_key([(p.id, p.to_json()) for p in programs], limit)
        return {"items": items, "nextCursor": next_cursor}

    def get_program(self, program_id: str) -> dict[str, Any]:
        def work(store: ProgramStore) -> dict[str, Any]:
            program = store.catalog.program(program_id)
            if program is None:
                raise _program_not_found()
            tasks = [
                {"taskId": t.id, "day": t.day, "title": t.title, "description": t.description}
                for t in store.catalog.tasks(program_id)
            ]
            return {**program.to_json(), "tasks": tasks}

        return self.unit_of_work.read(work)

    def enroll(self, user_id: str, program_id: str) -> dict[str, Any]:
        """Start the program today (local): day 1 is due today. 409 when already enrolled."""

        def work(store: ProgramStore) -> dict[str, Any]:
            if store.catalog.program(program_id) is None:
                raise _program_not_found()
            today, _ = self._today(store, user_id)
            enrollment = store.enrollments.add(user_id, program_id, today)
            if enrollment is None:
                raise ConflictError("already_enrolled", "You are already enrolled in this program.")
            return enrollment.to_json()

        return self.unit_of_work.run(work)

    def unenroll(self, user_id: str, program_id: str) -> None:
        def work(store: ProgramStore) -> None:
            if not store.enrollments.remove(user_id, program_id):
                raise NotFoundError("enrollment_not_found", "You are not enrolled in this program.")

        self.unit_of_work.run(work)

    def enrollments(self, user_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
        after = decode_cursor(cursor)
        mine = self.unit_of_work.read(lambda store: store.enrollments.of_user(user_id, after=after, limit=limit + 1))
        items, next_cursor = page_by_key([(e.program_id, e.to_json()) for e in mine], limit)
        return {"items": items, "nextCursor": next_cursor}

    def tasks_on(self, user_id: str, date: dt.date | None) -> dict[str, Any]:
        """The tasks due on `date` (default: the user's today) for each enrollment, with their completion."""

        def work(store: ProgramStore) -> dict[str, Any]:
            day = date or self._today(store, user_id)[0]
            due = due_tasks(store.enrollments.of_user(user_id), day)
            # One query for the day's tasks of every enrollment (the app's most frequent call: no N+1).
            tasks = store.catalog.tasks_by_id([task_id(pid, n) for pid, n in due])
            done = store.completions.done_on(user_id, day, [t.id for t in tasks])
            items = [
                {"taskId": t.id, "programId": t.program_id, "day": t.day, "title": t.title, "completed": t.id in done}
                for t in tasks
            ]
            return {"date": day.isoformat(), "items": items}

        return self.unit_of_work.read(work)

    def complete(self, user_id: str, task: str, date: dt.date | None) -> tuple[dict[str, Any], bool]:
        """(the completion, whether it is new). New ones write `task.completed` in the same transaction."""

        def work(store: ProgramStore) -> tuple[Completion, bool]:
            found = store.catalog.task(task) if parse_task_id(task) else None
            if found is None:
                raise NotFoundError("task_not_found", "There is no such task.")
            today, timezone = self._today(store, user_id)
            day = date or today
            enrollment = next((e for e in store.enrollments.of_user(user_id) if e.program_id == found.program_id), None)
            if enrollment is None:
                raise ConflictError("not_enrolled", "You are not enrolled in this task's program.")
            if day > today or due_day(enrollment.started_on, enrollment.duration_days, day) != found.day:
                raise ConflictError("task_not_due", "This task is not due on that day.")
            completion, created = store.completions.add(user_id, task, day, self._clock())
            if created:
                data = {
                    **completion.to_json(),
                    "userId": user_id,
                    "programId": found.program_id,
                    "day": found.day,
                    "timezone": timezone,
                }
                store.outbox.add(Event.new("task.completed", user_id=user_id, data=data))
            return completion, created

        completion, created = self.unit_of_work.run(work)
        return completion.to_json(), created

    def on_timezone(self, store: ProgramStore, event: Event) -> None:
        """user.created or profile.updated: the user's zone as of the event."""
        store.zones.remember(event.data["userId"], event.data["timezone"], parse_timestamp(event.occurred_at))

    def on_user_deleted(self, store: ProgramStore, event: Event) -> None:
        store.erase_user(event.data["userId"])
