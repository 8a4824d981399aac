from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.post import Post


T = TypeVar("T", bound="PostPage")


@_attrs_define
class PostPage:
    """
    Example:
        {'items': [{'author': {'bio': 'Morning runner', 'displayName': 'Ada', 'userId':
            'd75ff9b6-1c1a-4425-bf44-16e5839b0787'}, 'commentCount': 1, 'createdAt': '2026-11-28T00:32:05.106Z', 'id':
            '8c99dddc0ec74e85b717c2cd9424cd64', 'programId': 'mindful-7', 'reactedByMe': False, 'reactionCount': 2, 'text':
            'Day 3 done: the breathing exercise helped.'}], 'nextCursor': None}

    Attributes:
        items (list[Post]):
        next_cursor (None | str):
    """

    items: list[Post]
    next_cursor: None | str

    def to_dict(self) -> dict[str, Any]:
        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        next_cursor: None | str
        next_cursor = self.next_cursor

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "items": items,
                "nextCursor": next_cursor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.post import Post  # noqa: PLC0415

        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = Post.from_dict(items_item_data)

            items.append(items_item)

        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("nextCursor"))

        post_page = cls(
            items=items,
            next_cursor=next_cursor,
        )

        return post_page
