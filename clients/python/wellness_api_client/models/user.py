from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="User")


@_attrs_define
class User:
    """
    Attributes:
        display_name (str):
        email (str):
        id (UUID):
    """

    display_name: str
    email: str
    id: UUID

    def to_dict(self) -> dict[str, Any]:
        display_name = self.display_name

        email = self.email

        id = str(self.id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "displayName": display_name,
                "email": email,
                "id": id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        display_name = d.pop("displayName")

        email = d.pop("email")

        id = UUID(d.pop("id"))

        user = cls(
            display_name=display_name,
            email=email,
            id=id,
        )

        return user
