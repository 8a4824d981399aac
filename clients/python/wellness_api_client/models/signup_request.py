from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="SignupRequest")


@_attrs_define
class SignupRequest:
    """
    Example:
        {'displayName': 'Ada', 'email': 'ada@example.com', 'password': 'correct horse battery', 'timezone':
            'Europe/London'}

    Attributes:
        display_name (str):
        email (str):
        password (str):
        timezone (str): An IANA time zone name. Example: Europe/Paris.
    """

    display_name: str
    email: str
    password: str
    timezone: str

    def to_dict(self) -> dict[str, Any]:
        display_name = self.display_name

        email = self.email

        password = self.password

        timezone = self.timezone

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "displayName": display_name,
                "email": email,
                "password": password,
                "timezone": timezone,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        display_name = d.pop("displayName")

        email = d.pop("email")

        password = d.pop("password")

        timezone = d.pop("timezone")

        signup_request = cls(
            display_name=display_name,
            email=email,
            password=password,
            timezone=timezone,
        )

        return signup_request
