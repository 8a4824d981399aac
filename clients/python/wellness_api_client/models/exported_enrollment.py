from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ExportedEnrollment")


@_attrs_define
class ExportedEnrollment:
    """Stored fields not yet listed here are exported too.

    Attributes:
        program_id (str):
        enrolled_at (datetime.datetime | Unset):
        started_on (datetime.date | Unset):
        user_id (str | Unset):
    """

    program_id: str
    enrolled_at: datetime.datetime | Unset = UNSET
    started_on: datetime.date | Unset = UNSET
    user_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        program_id = self.program_id

        enrolled_at: str | Unset = UNSET
        if not isinstance(self.enrolled_at, Unset):
            enrolled_at = self.enrolled_at.isoformat()

        started_on: str | Unset = UNSET
        if not isinstance(self.started_on, Unset):
            started_on = self.started_on.isoformat()

        user_id = self.user_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "programId": program_id,
            }
        )
        if enrolled_at is not UNSET:
            field_dict["enrolledAt"] = enrolled_at
        if started_on is not UNSET:
            field_dict["startedOn"] = started_on
        if user_id is not UNSET:
            field_dict["userId"] = user_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        program_id = d.pop("programId")

        _enrolled_at = d.pop("enrolledAt", UNSET)
        enrolled_at: datetime.datetime | Unset
        if isinstance(_enrolled_at, Unset):
            enrolled_at = UNSET
        else:
            enrolled_at = datetime.datetime.fromisoformat(_enrolled_at)

        _started_on = d.pop("startedOn", UNSET)
        started_on: datetime.date | Unset
        if isinstance(_started_on, Unset):
            started_on = UNSET
        else:
            started_on = datetime.date.fromisoformat(_started_on)

        user_id = d.pop("userId", UNSET)

        exported_enrollment = cls(
            program_id=program_id,
            enrolled_at=enrolled_at,
            started_on=started_on,
            user_id=user_id,
        )

        exported_enrollment.additional_properties = d
        return exported_enrollment

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
