from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ExportedReflection")


@_attrs_define
class ExportedReflection:
    """A reflection as stored. Stored fields not yet listed here are exported too.

    Attributes:
        id (str):
        created_at (datetime.datetime | Unset):
        date (datetime.date | Unset):
        mood (int | Unset):
        tags (list[str] | Unset):
        task_id (None | str | Unset):
        text (str | Unset):
        timezone (str | Unset):
        user_id (str | Unset):
    """

    id: str
    created_at: datetime.datetime | Unset = UNSET
    date: datetime.date | Unset = UNSET
    mood: int | Unset = UNSET
    tags: list[str] | Unset = UNSET
    task_id: None | str | Unset = UNSET
    text: str | Unset = UNSET
    timezone: str | Unset = UNSET
    user_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        date: str | Unset = UNSET
        if not isinstance(self.date, Unset):
            date = self.date.isoformat()

        mood = self.mood

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        task_id: None | str | Unset
        if isinstance(self.task_id, Unset):
            task_id = UNSET
        else:
            task_id = self.task_id

        text = self.text

        timezone = self.timezone

        user_id = self.user_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if date is not UNSET:
            field_dict["date"] = date
        if mood is not UNSET:
            field_dict["mood"] = mood
        if tags is not UNSET:
            field_dict["tags"] = tags
        if task_id is not UNSET:
            field_dict["taskId"] = task_id
        if text is not UNSET:
            field_dict["text"] = text
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if user_id is not UNSET:
            field_dict["userId"] = user_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        _created_at = d.pop("createdAt", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        _date = d.pop("date", UNSET)
        date: datetime.date | Unset
        if isinstance(_date, Unset):
            date = UNSET
        else:
            date = datetime.date.fromisoformat(_date)

        mood = d.pop("mood", UNSET)

        tags = cast(list[str], d.pop("tags", UNSET))

        def _parse_task_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        task_id = _parse_task_id(d.pop("taskId", UNSET))

        text = d.pop("text", UNSET)

        timezone = d.pop("timezone", UNSET)

        user_id = d.pop("userId", UNSET)

        exported_reflection = cls(
            id=id,
            created_at=created_at,
            date=date,
            mood=mood,
            tags=tags,
            task_id=task_id,
            text=text,
            timezone=timezone,
            user_id=user_id,
        )

        exported_reflection.additional_properties = d
        return exported_reflection

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
