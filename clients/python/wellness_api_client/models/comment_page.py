from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.comment import Comment


T = TypeVar("T", bound="CommentPage")


@_attrs_define
class CommentPage:
    """
    Example:
        {'items': [{'author': {'bio': 'Morning runner', 'displayName': 'Ada', 'userId':
            'd75ff9b6-1c1a-4425-bf44-16e5839b0787'}, 'createdAt': '2026-11-28T00:40:00.000Z', 'id':
            '01e06106965945ae86f3e80a746c1565', 'postId': '8c99dddc0ec74e85b717c2cd9424cd64', 'text': 'Well done!'}],
            'nextCursor': None}

    Attributes:
        items (list[Comment]):
        next_cursor (None | str):
    """

    items: list[Comment]
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
        from ..models.comment import Comment  # noqa: PLC0415

        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = Comment.from_dict(items_item_data)

            items.append(items_item)

        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("nextCursor"))

        comment_page = cls(
            items=items,
            next_cursor=next_cursor,
        )

        return comment_page
