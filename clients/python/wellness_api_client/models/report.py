from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Report")


@_attrs_define
class Report:
    """
    Example:
        {'postId': '8c99dddc0ec74e85b717c2cd9424cd64', 'reported': True}

    Attributes:
        post_id (str):
        reported (bool):
    """

    post_id: str
    reported: bool

    def to_dict(self) -> dict[str, Any]:
        post_id = self.post_id

        reported = self.reported

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "postId": post_id,
                "reported": reported,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        post_id = d.pop("postId")

        reported = d.pop("reported")

        report = cls(
            post_id=post_id,
            reported=reported,
        )

        return report
