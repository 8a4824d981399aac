from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.exported_recorded_completion import ExportedRecordedCompletion
    from ..models.exported_recorded_reflection import ExportedRecordedReflection
    from ..models.exported_timezone_type_0 import ExportedTimezoneType0


T = TypeVar("T", bound="AccountExportReporting")


@_attrs_define
class AccountExportReporting:
    """
    Attributes:
        completions (list[ExportedRecordedCompletion]):
        reflections (list[ExportedRecordedReflection]):
        timezone (ExportedTimezoneType0 | None): A domain's copy of the user's time zone, and the time of the event it
            came from. Stored fields not yet listed here are exported too.
    """

    completions: list[ExportedRecordedCompletion]
    reflections: list[ExportedRecordedReflection]
    timezone: ExportedTimezoneType0 | None

    def to_dict(self) -> dict[str, Any]:
        from ..models.exported_timezone_type_0 import ExportedTimezoneType0  # noqa: PLC0415

        completions = []
        for completions_item_data in self.completions:
            completions_item = completions_item_data.to_dict()
            completions.append(completions_item)

        reflections = []
        for reflections_item_data in self.reflections:
            reflections_item = reflections_item_data.to_dict()
            reflections.append(reflections_item)

        timezone: dict[str, Any] | None
        if isinstance(self.timezone, ExportedTimezoneType0):
            timezone = self.timezone.to_dict()
        else:
            timezone = self.timezone

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "completions": completions,
                "reflections": reflections,
                "timezone": timezone,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.exported_recorded_completion import ExportedRecordedCompletion  # noqa: PLC0415
        from ..models.exported_recorded_reflection import ExportedRecordedReflection  # noqa: PLC0415
        from ..models.exported_timezone_type_0 import ExportedTimezoneType0  # noqa: PLC0415

        d = dict(src_dict)
        completions = []
        _completions = d.pop("completions")
        for completions_item_data in _completions:
            completions_item = ExportedRecordedCompletion.from_dict(
                completions_item_data
            )

            completions.append(completions_item)

        reflections = []
        _reflections = d.pop("reflections")
        for reflections_item_data in _reflections:
            reflections_item = ExportedRecordedReflection.from_dict(
                reflections_item_data
            )

            reflections.append(reflections_item)

        def _parse_timezone(data: object) -> ExportedTimezoneType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_exported_timezone_type_0 = (
                    ExportedTimezoneType0.from_dict(data)
                )

                return componentsschemas_exported_timezone_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExportedTimezoneType0 | None, data)

        timezone = _parse_timezone(d.pop("timezone"))

        account_export_reporting = cls(
            completions=completions,
            reflections=reflections,
            timezone=timezone,
        )

        return account_export_reporting
