from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.reflection import Reflection


T = TypeVar("T", bound="ReflectionPage")


@_attrs_define
class ReflectionPage:
    """
    Example:
        {'items': [{'createdAt': '2026-11-28T00:32:09.855Z', 'date': '2026-11-28', 'id':
            '54688226f14a47c890e5f84a6dce49b7', 'mood': 4, 'tags': ['evening'], 'taskId': None, 'text': 'Felt calm'}],
            'nextCursor': 'WyIyMDI2LTExLTI4IiwiNTQ2ODgyMjYiXQ'}

    Attributes:
        items (list[Reflection]):
        next_cursor (None | str):
    """

    items: list[Reflection]
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
        from ..models.reflection import Reflection  # noqa: PLC0415

        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = Reflection.from_dict(items_item_data)

            items.append(items_item)

        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("nextCursor"))

        reflection_page = cls(
            items=items,
            next_cursor=next_cursor,
        )

        return reflection_page
