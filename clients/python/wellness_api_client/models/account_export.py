from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.account_export_auth import AccountExportAuth
    from ..models.account_export_community import AccountExportCommunity
    from ..models.account_export_notifications import AccountExportNotifications
    from ..models.account_export_profile import AccountExportProfile
    from ..models.account_export_program import AccountExportProgram
    from ..models.account_export_reflection import AccountExportReflection
    from ..models.account_export_reporting import AccountExportReporting


T = TypeVar("T", bound="AccountExport")


@_attrs_define
class AccountExport:
    """Everything the service holds about one user, by domain (GET /v1/me/export).

    Attributes:
        auth (AccountExportAuth):
        community (AccountExportCommunity):
        exported_at (datetime.datetime):
        notifications (AccountExportNotifications):
        profile (AccountExportProfile):
        program (AccountExportProgram):
        reflection (AccountExportReflection):
        reporting (AccountExportReporting):
        user_id (str):
    """

    auth: AccountExportAuth
    community: AccountExportCommunity
    exported_at: datetime.datetime
    notifications: AccountExportNotifications
    profile: AccountExportProfile
    program: AccountExportProgram
    reflection: AccountExportReflection
    reporting: AccountExportReporting
    user_id: str

    def to_dict(self) -> dict[str, Any]:
        auth = self.auth.to_dict()

        community = self.community.to_dict()

        exported_at = self.exported_at.isoformat()

        notifications = self.notifications.to_dict()

        profile = self.profile.to_dict()

        program = self.program.to_dict()

        reflection = self.reflection.to_dict()

        reporting = self.reporting.to_dict()

        user_id = self.user_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "auth": auth,
                "community": community,
                "exportedAt": exported_at,
                "notifications": notifications,
                "profile": profile,
                "program": program,
                "reflection": reflection,
                "reporting": reporting,
                "userId": user_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.account_export_auth import AccountExportAuth  # noqa: PLC0415
        from ..models.account_export_community import AccountExportCommunity  # noqa: PLC0415
        from ..models.account_export_notifications import AccountExportNotifications  # noqa: PLC0415
        from ..models.account_export_profile import AccountExportProfile  # noqa: PLC0415
        from ..models.account_export_program import AccountExportProgram  # noqa: PLC0415
        from ..models.account_export_reflection import AccountExportReflection  # noqa: PLC0415
        from ..models.account_export_reporting import AccountExportReporting  # noqa: PLC0415

        d = dict(src_dict)
        auth = AccountExportAuth.from_dict(d.pop("auth"))

        community = AccountExportCommunity.from_dict(d.pop("community"))

        exported_at = datetime.datetime.fromisoformat(d.pop("exportedAt"))

        notifications = AccountExportNotifications.from_dict(d.pop("notifications"))

        profile = AccountExportProfile.from_dict(d.pop("profile"))

        program = AccountExportProgram.from_dict(d.pop("program"))

        reflection = AccountExportReflection.from_dict(d.pop("reflection"))

        reporting = AccountExportReporting.from_dict(d.pop("reporting"))

        user_id = d.pop("userId")

        account_export = cls(
            auth=auth,
            community=community,
            exported_at=exported_at,
            notifications=notifications,
            profile=profile,
            program=program,
            reflection=reflection,
            reporting=reporting,
            user_id=user_id,
        )

        return account_export
