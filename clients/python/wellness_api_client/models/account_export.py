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

    Example:
        {'auth': {'account': {'createdAt': '2026-11-28T00:32:02.318000Z', 'displayName': 'Ada', 'email':
            'ada@example.com', 'emailVerifiedAt': '2026-11-28T00:35:10.000000Z', 'id':
            'd75ff9b6-1c1a-4425-bf44-16e5839b0787', 'timezone': 'Europe/London'}, 'emailVerifications': [{'createdAt':
            '2026-11-28T00:32:02.318000Z', 'expiresAt': '2026-11-30T00:32:02.318000Z', 'id':
            '7a9e2f3c-1b4d-4e5f-8a6b-9c0d1e2f3a4b', 'usedAt': '2026-11-28T00:35:10.000000Z', 'userId':
            'd75ff9b6-1c1a-4425-bf44-16e5839b0787'}], 'passwordResets': [], 'sessions': [{'createdAt':
            '2026-11-28T00:32:02.318000Z', 'expiresAt': '2026-12-28T00:32:02.318000Z', 'familyId':
            '5c1e0a6e-6a4b-4f6e-9f0a-2d3c4b5a6f70', 'id': '0b6f1f55-8f6e-4c36-9a55-3d0f0f7c2a11', 'revokedAt': None,
            'rotatedAt': None, 'userId': 'd75ff9b6-1c1a-4425-bf44-16e5839b0787'}]}, 'community': {'comments': [], 'posts':
            [{'authorId': 'd75ff9b6-1c1a-4425-bf44-16e5839b0787', 'commentCount': 0, 'createdAt':
            '2026-11-28T00:32:02.318000Z', 'id': 'p-1', 'programId': None, 'reactionCount': 0, 'reportCount': 0, 'text':
            'Day one done!', 'visible': True}], 'rateLimitSlots': [{'action': 'posts', 'at': 1795825922.318, 'userId':
            'd75ff9b6-1c1a-4425-bf44-16e5839b0787'}], 'reactions': [], 'reports': []}, 'exportedAt':
            '2026-12-07T21:30:00.000000Z', 'notifications': {'sentMail': [{'eventId':
            '3f2e1d0c-9b8a-4c7d-8e6f-5a4b3c2d1e0f', 'kind': 'welcome', 'providerId': None, 'sentAt':
            '2026-11-28T00:32:02.318000Z', 'userId': 'd75ff9b6-1c1a-4425-bf44-16e5839b0787'}]}, 'profile': {'profile':
            {'bio': 'Morning runner', 'createdAt': '2026-11-28T00:32:02.318000Z', 'displayName': 'Ada', 'timezone':
            'Europe/London', 'updatedAt': '2026-11-28T00:32:02.318000Z', 'userId': 'd75ff9b6-1c1a-4425-bf44-16e5839b0787',
            'version': 2}}, 'program': {'completions': [{'completedAt': '2026-11-28T00:32:02.318000Z', 'date': '2026-11-28',
            'taskId': 'mindful-7-d1', 'userId': 'd75ff9b6-1c1a-4425-bf44-16e5839b0787'}], 'enrollments': [{'enrolledAt':
            '2026-11-28T00:32:02.318000Z', 'programId': 'mindful-7', 'startedOn': '2026-11-28', 'userId':
            'd75ff9b6-1c1a-4425-bf44-16e5839b0787'}], 'timezone': {'timezone': 'Europe/London', 'timezoneAsOf':
            '2026-11-28T00:32:02.318000Z', 'userId': 'd75ff9b6-1c1a-4425-bf44-16e5839b0787'}}, 'reflection': {'reflections':
            [{'createdAt': '2026-11-28T00:32:02.318000Z', 'date': '2026-11-28', 'id': 'r-1', 'mood': 4, 'tags': ['calm'],
            'taskId': None, 'text': 'A calm morning.', 'timezone': 'Europe/London', 'userId':
            'd75ff9b6-1c1a-4425-bf44-16e5839b0787'}]}, 'reporting': {'completions': [{'completedAt':
            '2026-11-28T00:32:02.318000Z', 'date': '2026-11-28', 'recordedAt': '2026-11-28T00:32:02.318000Z', 'taskId':
            'mindful-7-d1', 'userId': 'd75ff9b6-1c1a-4425-bf44-16e5839b0787'}], 'reflections': [{'date': '2026-11-28',
            'mood': 4, 'recordedAt': '2026-11-28T00:32:02.318000Z', 'reflectionId': 'r-1', 'userId':
            'd75ff9b6-1c1a-4425-bf44-16e5839b0787'}], 'timezone': {'timezone': 'Europe/London', 'timezoneAsOf':
            '2026-11-28T00:32:02.318000Z', 'userId': 'd75ff9b6-1c1a-4425-bf44-16e5839b0787'}}, 'userId':
            'd75ff9b6-1c1a-4425-bf44-16e5839b0787'}

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
