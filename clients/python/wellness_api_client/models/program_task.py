from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ProgramTask")


@_attrs_define
class ProgramTask:
    """
    Attributes:
        day (int):
        description (str):
        task_id (str):  Example: mindful-7-d1.
        title (str):
    """

    day: int
    description: str
    task_id: str
    title: str

    def to_dict(self) -> dict[str, Any]:
        day = self.day

        description = self.description

        task_id = self.task_id

        title = self.title

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "day": day,
                "description": description,
                "taskId": task_id,
                "title": title,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        day = d.pop("day")

        description = d.pop("description")

        task_id = d.pop("taskId")

        title = d.pop("title")

        program_task = cls(
            day=day,
            description=description,
            task_id=task_id,
            title=title,
        )

        return program_task
