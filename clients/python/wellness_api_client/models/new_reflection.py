from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="NewReflection")


@_attrs_define
class NewReflection:
    """
    Example:
        {'mood': 4, 'tags': ['walk'], 'text': 'A calm morning walk.'}

    Attributes:
        mood (int):
        text (str):
        tags (list[str] | Unset):
        task_id (str | Unset):
    """

    mood: int
    text: str
    tags: list[str] | Unset = UNSET
    task_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        mood = self.mood

        text = self.text

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        task_id = self.task_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "mood": mood,
                "text": text,
            }
        )
        if tags is not UNSET:
            field_dict["tags"] = tags
        if task_id is not UNSET:
            field_dict["taskId"] = task_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        mood = d.pop("mood")

        text = d.pop("text")

        tags = cast(list[str], d.pop("tags", UNSET))

        task_id = d.pop("taskId", UNSET)

        new_reflection = cls(
            mood=mood,
            text=text,
            tags=tags,
            task_id=task_id,
        )

        return new_reflection
