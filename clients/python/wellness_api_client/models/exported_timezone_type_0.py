from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ExportedTimezoneType0")


@_attrs_define
class ExportedTimezoneType0:
    """A domain's copy of the user's time zone, and the time of the event it came from. Stored fields not yet listed here
    are exported too.

        Attributes:
            user_id (str):
            timezone (None | str | Unset):
            timezone_as_of (datetime.datetime | None | Unset):
    """

    user_id: str
    timezone: None | str | Unset = UNSET
    timezone_as_of: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        timezone: None | str | Unset
        if isinstance(self.timezone, Unset):
            timezone = UNSET
        else:
            timezone = self.timezone

        timezone_as_of: None | str | Unset
        if isinstance(self.timezone_as_of, Unset):
            timezone_as_of = UNSET
        elif isinstance(self.timezone_as_of, datetime.datetime):
            timezone_as_of = self.timezone_as_of.isoformat()
        else:
            timezone_as_of = self.timezone_as_of

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "userId": user_id,
            }
        )
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if timezone_as_of is not UNSET:
            field_dict["timezoneAsOf"] = timezone_as_of

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_id = d.pop("userId")

        def _parse_timezone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        timezone = _parse_timezone(d.pop("timezone", UNSET))

        def _parse_timezone_as_of(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                timezone_as_of_type_0 = datetime.datetime.fromisoformat(data)

                return timezone_as_of_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        timezone_as_of = _parse_timezone_as_of(d.pop("timezoneAsOf", UNSET))

        exported_timezone_type_0 = cls(
            user_id=user_id,
            timezone=timezone,
            timezone_as_of=timezone_as_of,
        )

        exported_timezone_type_0.additional_properties = d
        return exported_timezone_type_0

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
