from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ExportedRecordedReflection")


@_attrs_define
class ExportedRecordedReflection:
    """A reflection's mood as the reports count it (kept when the entry is deleted). Stored fields not yet listed here are
    exported too.

        Attributes:
            reflection_id (str):
            date (datetime.date | Unset):
            mood (int | Unset):
            recorded_at (datetime.datetime | Unset):
            user_id (str | Unset):
    """

    reflection_id: str
    date: datetime.date | Unset = UNSET
    mood: int | Unset = UNSET
    recorded_at: datetime.datetime | Unset = UNSET
    user_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        reflection_id = self.reflection_id

        date: str | Unset = UNSET
        if not isinstance(self.date, Unset):
            date = self.date.isoformat()

        mood = self.mood

        recorded_at: str | Unset = UNSET
        if not isinstance(self.recorded_at, Unset):
            recorded_at = self.recorded_at.isoformat()

        user_id = self.user_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "reflectionId": reflection_id,
            }
        )
        if date is not UNSET:
            field_dict["date"] = date
        if mood is not UNSET:
            field_dict["mood"] = mood
        if recorded_at is not UNSET:
            field_dict["recordedAt"] = recorded_at
        if user_id is not UNSET:
            field_dict["userId"] = user_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reflection_id = d.pop("reflectionId")

        _date = d.pop("date", UNSET)
        date: datetime.date | Unset
        if isinstance(_date, Unset):
            date = UNSET
        else:
            date = datetime.date.fromisoformat(_date)

        mood = d.pop("mood", UNSET)

        _recorded_at = d.pop("recordedAt", UNSET)
        recorded_at: datetime.datetime | Unset
        if isinstance(_recorded_at, Unset):
            recorded_at = UNSET
        else:
            recorded_at = datetime.datetime.fromisoformat(_recorded_at)

        user_id = d.pop("userId", UNSET)

        exported_recorded_reflection = cls(
            reflection_id=reflection_id,
            date=date,
            mood=mood,
            recorded_at=recorded_at,
            user_id=user_id,
        )

        exported_recorded_reflection.additional_properties = d
        return exported_recorded_reflection

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
