from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Completion")


@_attrs_define
class Completion:
    """
    Example:
        {'completedAt': '2026-11-28T00:32:05.969Z', 'date': '2026-11-28', 'taskId': 'mindful-7-d1'}

    Attributes:
        completed_at (datetime.datetime):
        date (datetime.date):
        task_id (str):
    """

    completed_at: datetime.datetime
    date: datetime.date
    task_id: str

    def to_dict(self) -> dict[str, Any]:
        completed_at = self.completed_at.isoformat()

        date = self.date.isoformat()

        task_id = self.task_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "completedAt": completed_at,
                "date": date,
                "taskId": task_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        completed_at = datetime.datetime.fromisoformat(d.pop("completedAt"))

        date = datetime.date.fromisoformat(d.pop("date"))

        task_id = d.pop("taskId")

        completion = cls(
            completed_at=completed_at,
            date=date,
            task_id=task_id,
        )

        return completion
