from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.exported_profile_type_0 import ExportedProfileType0


T = TypeVar("T", bound="AccountExportProfile")


@_attrs_define
class AccountExportProfile:
    """
    Attributes:
        profile (ExportedProfileType0 | None): The stored profile, with its version. Stored fields not yet listed here
            are exported too.
    """

    profile: ExportedProfileType0 | None

    def to_dict(self) -> dict[str, Any]:
        from ..models.exported_profile_type_0 import ExportedProfileType0  # noqa: PLC0415

        profile: dict[str, Any] | None
        if isinstance(self.profile, ExportedProfileType0):
            profile = self.profile.to_dict()
        else:
            profile = self.profile

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "profile": profile,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.exported_profile_type_0 import ExportedProfileType0  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_profile(data: object) -> ExportedProfileType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_exported_profile_type_0 = (
                    ExportedProfileType0.from_dict(data)
                )

                return componentsschemas_exported_profile_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExportedProfileType0 | None, data)

        profile = _parse_profile(d.pop("profile"))

        account_export_profile = cls(
            profile=profile,
        )

        return account_export_profile
