"""What the program service needs from storage."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from ..platform.ports import Transaction
from .model import Completion, Enrollment, Program, Task


class Catalog(Protocol):
    """The seeded programs and their tasks (read-only)."""

    def programs(self, *, after: str | None, limit: int) -> list[Program]:
        """Programs in id order, after the id `after` (keyset paging)."""
        ...

    def program(self, program_id: str) -> Program | None: ...

    def tasks(self, program_id: str) -> list[Task]:
        """The program's tasks in day order."""
        ...

    def task(self, task_id: str) -> Task | None: ...

    def tasks_by_id(self, task_ids: list[str]) -> list[Task]:
        """These tasks, in the order asked, those that exist: one query for a whole day's tasks."""
        ...


class Enrollments(Protocol):
    def add(self, user_id: str, program_id: str, started_on: dt.date) -> Enrollment | None:
        """The new enrollment, or None when the user is already enrolled."""
        ...

    def remove(self, user_id: str, program_id: str) -> bool: ...

    def of_user(self, user_id: str, *, after: str | None = None, limit: int | None = None) -> list[Enrollment]:
        """The user's enrollments in program id order, after the program id `after`."""
        ...


class Completions(Protocol):
    def add(self, user_id: str, task_id: str, date: dt.date, at: dt.datetime) -> tuple[Completion, bool]:
        """(the completion, whether this call made it); a concurrent twin waits, then finds it."""
        ...

    def done_on(self, user_id: str, date: dt.date, task_ids: list[str]) -> set[str]:
        """Which of these tasks the user completed for `date`."""
        ...


class UserZones(Protocol):
    """This domain's copy of each user's time zone, kept from user.created and profile.updated."""

    def get(self, user_id: str) -> str | None: ...

    def remember(self, user_id: str, timezone: str, as_of: dt.datetime) -> None:
        """Keep the zone of the newest event: a late, older event does not overwrite a newer zone."""
        ...


class ProgramStore(Transaction, Protocol):
    @property
    def catalog(self) -> Catalog: ...

    @property
    def enrollments(self) -> Enrollments: ...

    @property
    def completions(self) -> Completions: ...

    @property
    def zones(self) -> UserZones: ...

    def erase_user(self, user_id: str) -> None:
        """Everything this domain holds of the user: enrollments, completions, time zone."""
        ...
