"""The program domain's rules, pure: task ids, which task is due on which local day.

An enrollment that starts on `started_on` makes day 1 due that day, day 2 the next
local day, and so on until the program's last day. Days are calendar days in the
user's time zone, so daylight-saving changes never skip or repeat a task.

    >>> import datetime as dt
    >>> due_day(dt.date(2026, 3, 28), 7, dt.date(2026, 3, 30))
    3
    >>> task_id("mindful-7", 3)
    'mindful-7-d3'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

from ..platform.clock import timestamp

_TASK_ID = re.compile(r"^(?P<program>[a-z0-9][a-z0-9-]{0,56})-d(?P<day>[1-9][0-9]{0,3})$")


@dataclasses.dataclass(frozen=True)
class Program:
    id: str
    title: str
    description: str
    duration_days: int

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "description": self.description, "durationDays": self.duration_days}


@dataclasses.dataclass(frozen=True)
class Task:
    id: str
    program_id: str
    day: int
    title: str
    description: str


@dataclasses.dataclass(frozen=True)
class Enrollment:
    program_id: str
    started_on: dt.date
    duration_days: int
    title: str = ""
    enrolled_at: dt.datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "programId": self.program_id,
            "startedOn": self.started_on.isoformat(),
            "enrolledAt": timestamp(self.enrolled_at) if self.enrolled_at else None,
            "title": self.title,
            "durationDays": self.duration_days,
        }


@dataclasses.dataclass(frozen=True)
class Completion:
    task_id: str
    date: dt.date
    completed_at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {"taskId": self.task_id, "date": self.date.isoformat(), "completedAt": timestamp(self.completed_at)}


def task_id(program_id: str, day: int) -> str:
    return f"{program_id}-d{day}"


def parse_task_id(value: str) -> tuple[str, int] | None:
    """(program id, day) of a task id, or None when it is not one."""
    found = _TASK_ID.match(value)
    return (found.group("program"), int(found.group("day"))) if found else None


def due_day(started_on: dt.date, duration_days: int, date: dt.date) -> int | None:
    """The program day due on `date` for an enrollment that started on `started_on`, or None."""
    day = (date - started_on).days + 1
    return day if 1 <= day <= duration_days else None


def due_tasks(enrollments: list[Enrollment], date: dt.date) -> list[tuple[str, int]]:
    """(program id, day) of every task due on `date`, in program order."""
    found = []
    for enrollment in sorted(enrollments, key=lambda e: e.program_id):
        day = due_day(enrollment.started_on, enrollment.duration_days, date)
        if day is not None:
            found.append((enrollment.program_id, day))
    return found
