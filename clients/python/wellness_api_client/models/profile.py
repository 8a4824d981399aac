from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Profile")


@_attrs_define
class Profile:
    """
    Example:
        {'bio': 'Morning runner', 'createdAt': '2026-11-28T00:32:02.318Z', 'displayName': 'Ada', 'timezone':
            'Europe/London', 'updatedAt': '2026-11-28T00:32:05.106Z', 'userId': 'd75ff9b6-1c1a-4425-bf44-16e5839b0787'}

    Attributes:
        bio (str):
        created_at (datetime.datetime):
        display_name (str):
        timezone (str):
        updated_at (datetime.datetime):
        user_id (str):
    """

    bio: str
    created_at: datetime.datetime
    display_name: str
    timezone: str
    updated_at: datetime.datetime
    user_id: str

    def to_dict(self) -> dict[str, Any]:
        bio = self.bio

        created_at = self.created_at.isoformat()

        display_name = self.display_name

        timezone = self.timezone

        updated_at = self.updated_at.isoformat()

        user_id = self.user_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "bio": bio,
                "createdAt": created_at,
                "displayName": display_name,
                "timezone": timezone,
                "updatedAt": updated_at,
                "userId": user_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        bio = d.pop("bio")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        display_name = d.pop("displayName")

        timezone = d.pop("timezone")

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        user_id = d.pop("userId")

        profile = cls(
            bio=bio,
            created_at=created_at,
            display_name=display_name,
            timezone=timezone,
            updated_at=updated_at,
            user_id=user_id,
        )

        return profile
