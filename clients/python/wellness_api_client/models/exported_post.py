from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ExportedPost")


@_attrs_define
class ExportedPost:
    """A post as stored, with its counts. Stored fields not yet listed here are exported too.

    Attributes:
        id (str):
        author_id (str | Unset):
        comment_count (int | Unset):
        created_at (datetime.datetime | Unset):
        program_id (None | str | Unset):
        reaction_count (int | Unset):
        report_count (int | Unset):
        text (str | Unset):
        visible (bool | Unset):
    """

    id: str
    author_id: str | Unset = UNSET
    comment_count: int | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    program_id: None | str | Unset = UNSET
    reaction_count: int | Unset = UNSET
    report_count: int | Unset = UNSET
    text: str | Unset = UNSET
    visible: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        author_id = self.author_id

        comment_count = self.comment_count

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        program_id: None | str | Unset
        if isinstance(self.program_id, Unset):
            program_id = UNSET
        else:
            program_id = self.program_id

        reaction_count = self.reaction_count

        report_count = self.report_count

        text = self.text

        visible = self.visible

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if author_id is not UNSET:
            field_dict["authorId"] = author_id
        if comment_count is not UNSET:
            field_dict["commentCount"] = comment_count
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if program_id is not UNSET:
            field_dict["programId"] = program_id
        if reaction_count is not UNSET:
            field_dict["reactionCount"] = reaction_count
        if report_count is not UNSET:
            field_dict["reportCount"] = report_count
        if text is not UNSET:
            field_dict["text"] = text
        if visible is not UNSET:
            field_dict["visible"] = visible

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        author_id = d.pop("authorId", UNSET)

        comment_count = d.pop("commentCount", UNSET)

        _created_at = d.pop("createdAt", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        def _parse_program_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        program_id = _parse_program_id(d.pop("programId", UNSET))

        reaction_count = d.pop("reactionCount", UNSET)

        report_count = d.pop("reportCount", UNSET)

        text = d.pop("text", UNSET)

        visible = d.pop("visible", UNSET)

        exported_post = cls(
            id=id,
            author_id=author_id,
            comment_count=comment_count,
            created_at=created_at,
            program_id=program_id,
            reaction_count=reaction_count,
            report_count=report_count,
            text=text,
            visible=visible,
        )

        exported_post.additional_properties = d
        return exported_post

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
