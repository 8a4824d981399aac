from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.public_profile import PublicProfile


T = TypeVar("T", bound="Comment")


@_attrs_define
class Comment:
    """
    Example:
        {'author': {'bio': 'Morning runner', 'displayName': 'Ada', 'userId': 'd75ff9b6-1c1a-4425-bf44-16e5839b0787'},
            'createdAt': '2026-11-28T00:40:00.000Z', 'id': '01e06106965945ae86f3e80a746c1565', 'postId':
            '8c99dddc0ec74e85b717c2cd9424cd64', 'text': 'Well done!'}

    Attributes:
        author (PublicProfile): What other users see of a profile. Example: {'bio': 'Morning runner', 'displayName':
            'Ada', 'userId': 'd75ff9b6-1c1a-4425-bf44-16e5839b0787'}.
        created_at (datetime.datetime):
        id (str):
        post_id (str):
        text (str):
    """

    author: PublicProfile
    created_at: datetime.datetime
    id: str
    post_id: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        author = self.author.to_dict()

        created_at = self.created_at.isoformat()

        id = self.id

        post_id = self.post_id

        text = self.text

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "author": author,
                "createdAt": created_at,
                "id": id,
                "postId": post_id,
                "text": text,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.public_profile import PublicProfile  # noqa: PLC0415

        d = dict(src_dict)
        author = PublicProfile.from_dict(d.pop("author"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        id = d.pop("id")

        post_id = d.pop("postId")

        text = d.pop("text")

        comment = cls(
            author=author,
            created_at=created_at,
            id=id,
            post_id=post_id,
            text=text,
        )

        return comment
