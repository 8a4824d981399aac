from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.day_task import DayTask


T = TypeVar("T", bound="DayTasks")


@_attrs_define
class DayTasks:
    """
    Example:
        {'date': '2026-11-28', 'items': [{'completed': False, 'day': 1, 'programId': 'mindful-7', 'taskId':
            'mindful-7-d1', 'title': 'Three minutes of breathing'}]}

    Attributes:
        date (datetime.date):
        items (list[DayTask]):
    """

    date: datetime.date
    items: list[DayTask]

    def to_dict(self) -> dict[str, Any]:
        date = self.date.isoformat()

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "date": date,
                "items": items,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.day_task import DayTask  # noqa: PLC0415

        d = dict(src_dict)
        date = datetime.date.fromisoformat(d.pop("date"))

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = DayTask.from_dict(items_item_data)

            items.append(items_item)

        day_tasks = cls(
            date=date,
            items=items,
        )

        return day_tasks
