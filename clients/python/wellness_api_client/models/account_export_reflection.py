from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.exported_reflection import ExportedReflection


T = TypeVar("T", bound="AccountExportReflection")


@_attrs_define
class AccountExportReflection:
    """
    Attributes:
        reflections (list[ExportedReflection]):
    """

    reflections: list[ExportedReflection]

    def to_dict(self) -> dict[str, Any]:
        reflections = []
        for reflections_item_data in self.reflections:
            reflections_item = reflections_item_data.to_dict()
            reflections.append(reflections_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reflections": reflections,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.exported_reflection import ExportedReflection  # noqa: PLC0415

        d = dict(src_dict)
        reflections = []
        _reflections = d.pop("reflections")
        for reflections_item_data in _reflections:
            reflections_item = ExportedReflection.from_dict(reflections_item_data)

            reflections.append(reflections_item)

        account_export_reflection = cls(
            reflections=reflections,
        )

        return account_export_reflection
