from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="DayTask")


@_attrs_define
class DayTask:
    """
    Attributes:
        completed (bool):
        day (int):
        program_id (str):
        task_id (str):
        title (str):
    """

    completed: bool
    day: int
    program_id: str
    task_id: str
    title: str

    def to_dict(self) -> dict[str, Any]:
        completed = self.completed

        day = self.day

        program_id = self.program_id

        task_id = self.task_id

        title = self.title

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "completed": completed,
                "day": day,
                "programId": program_id,
                "taskId": task_id,
                "title": title,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        completed = d.pop("completed")

        day = d.pop("day")

        program_id = d.pop("programId")

        task_id = d.pop("taskId")

        title = d.pop("title")

        day_task = cls(
            completed=completed,
            day=day,
            program_id=program_id,
            task_id=task_id,
            title=title,
        )

        return day_task
