from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="NewPost")


@_attrs_define
class NewPost:
    """
    Example:
        {'programId': 'mindful-7', 'text': 'Day 3 done: the breathing exercise helped.'}

    Attributes:
        text (str):
        program_id (str | Unset):
    """

    text: str
    program_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        text = self.text

        program_id = self.program_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "text": text,
            }
        )
        if program_id is not UNSET:
            field_dict["programId"] = program_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        text = d.pop("text")

        program_id = d.pop("programId", UNSET)

        new_post = cls(
            text=text,
            program_id=program_id,
        )

        return new_post
