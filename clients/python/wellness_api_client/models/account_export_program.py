from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.exported_completion import ExportedCompletion
    from ..models.exported_enrollment import ExportedEnrollment
    from ..models.exported_timezone_type_0 import ExportedTimezoneType0


T = TypeVar("T", bound="AccountExportProgram")


@_attrs_define
class AccountExportProgram:
    """
    Attributes:
        completions (list[ExportedCompletion]):
        enrollments (list[ExportedEnrollment]):
        timezone (ExportedTimezoneType0 | None): A domain's copy of the user's time zone, and the time of the event it
            came from. Stored fields not yet listed here are exported too.
    """

    completions: list[ExportedCompletion]
    enrollments: list[ExportedEnrollment]
    timezone: ExportedTimezoneType0 | None

    def to_dict(self) -> dict[str, Any]:
        from ..models.exported_timezone_type_0 import ExportedTimezoneType0  # noqa: PLC0415

        completions = []
        for completions_item_data in self.completions:
            completions_item = completions_item_data.to_dict()
            completions.append(completions_item)

        enrollments = []
        for enrollments_item_data in self.enrollments:
            enrollments_item = enrollments_item_data.to_dict()
            enrollments.append(enrollments_item)

        timezone: dict[str, Any] | None
        if isinstance(self.timezone, ExportedTimezoneType0):
            timezone = self.timezone.to_dict()
        else:
            timezone = self.timezone

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "completions": completions,
                "enrollments": enrollments,
                "timezone": timezone,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.exported_completion import ExportedCompletion  # noqa: PLC0415
        from ..models.exported_enrollment import ExportedEnrollment  # noqa: PLC0415
        from ..models.exported_timezone_type_0 import ExportedTimezoneType0  # noqa: PLC0415

        d = dict(src_dict)
        completions = []
        _completions = d.pop("completions")
        for completions_item_data in _completions:
            completions_item = ExportedCompletion.from_dict(completions_item_data)

            completions.append(completions_item)

        enrollments = []
        _enrollments = d.pop("enrollments")
        for enrollments_item_data in _enrollments:
            enrollments_item = ExportedEnrollment.from_dict(enrollments_item_data)

            enrollments.append(enrollments_item)

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

        account_export_program = cls(
            completions=completions,
            enrollments=enrollments,
            timezone=timezone,
        )

        return account_export_program
