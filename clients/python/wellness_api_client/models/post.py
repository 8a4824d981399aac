from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.public_profile import PublicProfile


T = TypeVar("T", bound="Post")


@_attrs_define
class Post:
    """
    Example:
        {'author': {'bio': 'Morning runner', 'displayName': 'Ada', 'userId': 'd75ff9b6-1c1a-4425-bf44-16e5839b0787'},
            'commentCount': 1, 'createdAt': '2026-11-28T00:32:05.106Z', 'id': '8c99dddc0ec74e85b717c2cd9424cd64',
            'programId': 'mindful-7', 'reactedByMe': False, 'reactionCount': 2, 'text': 'Day 3 done: the breathing exercise
            helped.'}

    Attributes:
        author (PublicProfile): What other users see of a profile. Example: {'bio': 'Morning runner', 'displayName':
            'Ada', 'userId': 'd75ff9b6-1c1a-4425-bf44-16e5839b0787'}.
        comment_count (int):
        created_at (datetime.datetime):
        id (str):
        program_id (None | str):
        reacted_by_me (bool):
        reaction_count (int):
        text (str):
        hidden (bool | Unset): Present (true) only for the author of a post that reports have hidden.
    """

    author: PublicProfile
    comment_count: int
    created_at: datetime.datetime
    id: str
    program_id: None | str
    reacted_by_me: bool
    reaction_count: int
    text: str
    hidden: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        author = self.author.to_dict()

        comment_count = self.comment_count

        created_at = self.created_at.isoformat()

        id = self.id

        program_id: None | str
        program_id = self.program_id

        reacted_by_me = self.reacted_by_me

        reaction_count = self.reaction_count

        text = self.text

        hidden = self.hidden

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "author": author,
                "commentCount": comment_count,
                "createdAt": created_at,
                "id": id,
                "programId": program_id,
                "reactedByMe": reacted_by_me,
                "reactionCount": reaction_count,
                "text": text,
            }
        )
        if hidden is not UNSET:
            field_dict["hidden"] = hidden

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.public_profile import PublicProfile  # noqa: PLC0415

        d = dict(src_dict)
        author = PublicProfile.from_dict(d.pop("author"))

        comment_count = d.pop("commentCount")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        id = d.pop("id")

        def _parse_program_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        program_id = _parse_program_id(d.pop("programId"))

        reacted_by_me = d.pop("reactedByMe")

        reaction_count = d.pop("reactionCount")

        text = d.pop("text")

        hidden = d.pop("hidden", UNSET)

        post = cls(
            author=author,
            comment_count=comment_count,
            created_at=created_at,
            id=id,
            program_id=program_id,
            reacted_by_me=reacted_by_me,
            reaction_count=reaction_count,
            text=text,
            hidden=hidden,
        )

        return post
