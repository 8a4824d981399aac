from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PublicProfile")


@_attrs_define
class PublicProfile:
    """What other users see of a profile.

    Example:
        {'bio': 'Morning runner', 'displayName': 'Ada', 'userId': 'd75ff9b6-1c1a-4425-bf44-16e5839b0787'}

    Attributes:
        display_name (str):
        user_id (str):
        bio (str | Unset):
    """

    display_name: str
    user_id: str
    bio: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        display_name = self.display_name

        user_id = self.user_id

        bio = self.bio

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "displayName": display_name,
                "userId": user_id,
            }
        )
        if bio is not UNSET:
            field_dict["bio"] = bio

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        display_name = d.pop("displayName")

        user_id = d.pop("userId")

        bio = d.pop("bio", UNSET)

        public_profile = cls(
            display_name=display_name,
            user_id=user_id,
            bio=bio,
        )

        return public_profile
