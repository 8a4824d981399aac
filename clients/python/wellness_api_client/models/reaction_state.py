from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ReactionState")


@_attrs_define
class ReactionState:
    """
    Example:
        {'postId': '8c99dddc0ec74e85b717c2cd9424cd64', 'reacted': True, 'reactionCount': 3}

    Attributes:
        post_id (str):
        reacted (bool):
        reaction_count (int):
    """

    post_id: str
    reacted: bool
    reaction_count: int

    def to_dict(self) -> dict[str, Any]:
        post_id = self.post_id

        reacted = self.reacted

        reaction_count = self.reaction_count

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "postId": post_id,
                "reacted": reacted,
                "reactionCount": reaction_count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        post_id = d.pop("postId")

        reacted = d.pop("reacted")

        reaction_count = d.pop("reactionCount")

        reaction_state = cls(
            post_id=post_id,
            reacted=reacted,
            reaction_count=reaction_count,
        )

        return reaction_state
