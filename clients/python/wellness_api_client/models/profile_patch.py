from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ProfilePatch")


@_attrs_define
class ProfilePatch:
    """
    Example:
        {'bio': 'Morning runner', 'timezone': 'Europe/Paris'}

    Attributes:
        bio (str | Unset):
        display_name (str | Unset):
        timezone (str | Unset): An IANA time zone name. Example: Europe/Paris.
    """

    bio: str | Unset = UNSET
    display_name: str | Unset = UNSET
    timezone: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        bio = self.bio

        display_name = self.display_name

        timezone = self.timezone

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if bio is not UNSET:
            field_dict["bio"] = bio
        if display_name is not UNSET:
            field_dict["displayName"] = display_name
        if timezone is not UNSET:
            field_dict["timezone"] = timezone

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        bio = d.pop("bio", UNSET)

        display_name = d.pop("displayName", UNSET)

        timezone = d.pop("timezone", UNSET)

        profile_patch = cls(
            bio=bio,
            display_name=display_name,
            timezone=timezone,
        )

        return profile_patch
