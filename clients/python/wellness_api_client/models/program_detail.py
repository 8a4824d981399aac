from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.program_task import ProgramTask


T = TypeVar("T", bound="ProgramDetail")


@_attrs_define
class ProgramDetail:
    """
    Example:
        {'description': 'Seven days of short mindfulness practices, five to ten minutes each.', 'durationDays': 7, 'id':
            'mindful-7', 'tasks': [{'day': 1, 'description': 'Sit comfortably and follow your breath for three minutes.',
            'taskId': 'mindful-7-d1', 'title': 'Three minutes of breathing'}], 'title': 'Mindful week'}

    Attributes:
        description (str):
        duration_days (int):
        id (str):
        tasks (list[ProgramTask]):
        title (str):
    """

    description: str
    duration_days: int
    id: str
    tasks: list[ProgramTask]
    title: str

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        duration_days = self.duration_days

        id = self.id

        tasks = []
        for tasks_item_data in self.tasks:
            tasks_item = tasks_item_data.to_dict()
            tasks.append(tasks_item)

        title = self.title

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "description": description,
                "durationDays": duration_days,
                "id": id,
                "tasks": tasks,
                "title": title,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.program_task import ProgramTask  # noqa: PLC0415

        d = dict(src_dict)
        description = d.pop("description")

        duration_days = d.pop("durationDays")

        id = d.pop("id")

        tasks = []
        _tasks = d.pop("tasks")
        for tasks_item_data in _tasks:
            tasks_item = ProgramTask.from_dict(tasks_item_data)

            tasks.append(tasks_item)

        title = d.pop("title")

        program_detail = cls(
            description=description,
            duration_days=duration_days,
            id=id,
            tasks=tasks,
            title=title,
        )

        return program_detail
