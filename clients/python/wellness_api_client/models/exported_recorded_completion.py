from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ExportedRecordedCompletion")


@_attrs_define
class ExportedRecordedCompletion:
    """A completion as the reports count it. Stored fields not yet listed here are exported too.

    Attributes:
        date (datetime.date):
        task_id (str):
        completed_at (datetime.datetime | Unset):
        recorded_at (datetime.datetime | Unset):
        user_id (str | Unset):
    """

    date: datetime.date
    task_id: str
    completed_at: datetime.datetime | Unset = UNSET
    recorded_at: datetime.datetime | Unset = UNSET
    user_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        date = self.date.isoformat()

        task_id = self.task_id

        completed_at: str | Unset = UNSET
        if not isinstance(self.completed_at, Unset):
            completed_at = self.completed_at.isoformat()

        recorded_at: str | Unset = UNSET
        if not isinstance(self.recorded_at, Unset):
            recorded_at = self.recorded_at.isoformat()

        user_id = self.user_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "date": date,
                "taskId": task_id,
            }
        )
        if completed_at is not UNSET:
            field_dict["completedAt"] = completed_at
        if recorded_at is not UNSET:
            field_dict["recordedAt"] = recorded_at
        if user_id is not UNSET:
            field_dict["userId"] = user_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        date = datetime.date.fromisoformat(d.pop("date"))

        task_id = d.pop("taskId")

        _completed_at = d.pop("completedAt", UNSET)
        completed_at: datetime.datetime | Unset
        if isinstance(_completed_at, Unset):
            completed_at = UNSET
        else:
            completed_at = datetime.datetime.fromisoformat(_completed_at)

        _recorded_at = d.pop("recordedAt", UNSET)
        recorded_at: datetime.datetime | Unset
        if isinstance(_recorded_at, Unset):
            recorded_at = UNSET
        else:
            recorded_at = datetime.datetime.fromisoformat(_recorded_at)

        user_id = d.pop("userId", UNSET)

        exported_recorded_completion = cls(
            date=date,
            task_id=task_id,
            completed_at=completed_at,
            recorded_at=recorded_at,
            user_id=user_id,
        )

        exported_recorded_completion.additional_properties = d
        return exported_recorded_completion

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
