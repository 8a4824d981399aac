from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="EmailVerificationConfirm")


@_attrs_define
class EmailVerificationConfirm:
    """
    Example:
        {'token': '6a1e2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b.Zm9vYmFyYmF6cXV4'}

    Attributes:
        token (str):
    """

    token: str

    def to_dict(self) -> dict[str, Any]:
        token = self.token

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "token": token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        token = d.pop("token")

        email_verification_confirm = cls(
            token=token,
        )

        return email_verification_confirm
