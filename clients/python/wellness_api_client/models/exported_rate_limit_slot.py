from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ExportedRateLimitSlot")


@_attrs_define
class ExportedRateLimitSlot:
    """When one of the user's recent posts or comments was made (epoch seconds). Stored fields not yet listed here are
    exported too.

        Attributes:
            action (str):
            at (float | Unset):
            user_id (str | Unset):
    """

    action: str
    at: float | Unset = UNSET
    user_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        at = self.at

        user_id = self.user_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
            }
        )
        if at is not UNSET:
            field_dict["at"] = at
        if user_id is not UNSET:
            field_dict["userId"] = user_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = d.pop("action")

        at = d.pop("at", UNSET)

        user_id = d.pop("userId", UNSET)

        exported_rate_limit_slot = cls(
            action=action,
            at=at,
            user_id=user_id,
        )

        exported_rate_limit_slot.additional_properties = d
        return exported_rate_limit_slot

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
