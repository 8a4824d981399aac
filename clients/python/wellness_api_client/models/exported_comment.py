from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ExportedComment")


@_attrs_define
class ExportedComment:
    """A comment the user wrote, on anyone's post. Stored fields not yet listed here are exported too.

    Attributes:
        id (str):
        post_id (str):
        author_id (str | Unset):
        created_at (datetime.datetime | Unset):
        text (str | Unset):
    """

    id: str
    post_id: str
    author_id: str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    text: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        post_id = self.post_id

        author_id = self.author_id

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        text = self.text

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "postId": post_id,
            }
        )
        if author_id is not UNSET:
            field_dict["authorId"] = author_id
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if text is not UNSET:
            field_dict["text"] = text

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        post_id = d.pop("postId")

        author_id = d.pop("authorId", UNSET)

        _created_at = d.pop("createdAt", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        text = d.pop("text", UNSET)

        exported_comment = cls(
            id=id,
            post_id=post_id,
            author_id=author_id,
            created_at=created_at,
            text=text,
        )

        exported_comment.additional_properties = d
        return exported_comment

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
