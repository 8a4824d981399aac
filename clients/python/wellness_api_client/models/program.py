from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Program")


@_attrs_define
class Program:
    """
    Attributes:
        description (str):
        duration_days (int):
        id (str):  Example: mindful-7.
        title (str):
    """

    description: str
    duration_days: int
    id: str
    title: str

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        duration_days = self.duration_days

        id = self.id

        title = self.title

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "description": description,
                "durationDays": duration_days,
                "id": id,
                "title": title,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        description = d.pop("description")

        duration_days = d.pop("durationDays")

        id = d.pop("id")

        title = d.pop("title")

        program = cls(
            description=description,
            duration_days=duration_days,
            id=id,
            title=title,
        )

        return program
