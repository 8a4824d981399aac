from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="Reflection")


@_attrs_define
class Reflection:
    """
    Example:
        {'createdAt': '2026-11-28T00:32:09.855Z', 'date': '2026-11-28', 'id': '54688226f14a47c890e5f84a6dce49b7',
            'mood': 4, 'tags': ['evening'], 'taskId': None, 'text': 'Felt calm'}

    Attributes:
        created_at (datetime.datetime):
        date (datetime.date): The local day it was logged on, in the user's time zone then.
        id (str):
        mood (int):
        tags (list[str]):
        task_id (None | str):
        text (str):
    """

    created_at: datetime.datetime
    date: datetime.date
    id: str
    mood: int
    tags: list[str]
    task_id: None | str
    text: str

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        date = self.date.isoformat()

        id = self.id

        mood = self.mood

        tags = self.tags

        task_id: None | str
        task_id = self.task_id

        text = self.text

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "createdAt": created_at,
                "date": date,
                "id": id,
                "mood": mood,
                "tags": tags,
                "taskId": task_id,
                "text": text,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        date = datetime.date.fromisoformat(d.pop("date"))

        id = d.pop("id")

        mood = d.pop("mood")

        tags = cast(list[str], d.pop("tags"))

        def _parse_task_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        task_id = _parse_task_id(d.pop("taskId"))

        text = d.pop("text")

        reflection = cls(
            created_at=created_at,
            date=date,
            id=id,
            mood=mood,
            tags=tags,
            task_id=task_id,
            text=text,
        )

        return reflection
