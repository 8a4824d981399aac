from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.exported_account import ExportedAccount
    from ..models.exported_link import ExportedLink
    from ..models.exported_refresh_token import ExportedRefreshToken


T = TypeVar("T", bound="AccountExportAuth")


@_attrs_define
class AccountExportAuth:
    """
    Attributes:
        account (ExportedAccount): The account (never the password's hash). Stored fields not yet listed here are
            exported too.
        email_verifications (list[ExportedLink]):
        password_resets (list[ExportedLink]):
        sessions (list[ExportedRefreshToken]):
    """

    account: ExportedAccount
    email_verifications: list[ExportedLink]
    password_resets: list[ExportedLink]
    sessions: list[ExportedRefreshToken]

    def to_dict(self) -> dict[str, Any]:
        account = self.account.to_dict()

        email_verifications = []
        for email_verifications_item_data in self.email_verifications:
            email_verifications_item = email_verifications_item_data.to_dict()
            email_verifications.append(email_verifications_item)

        password_resets = []
        for password_resets_item_data in self.password_resets:
            password_resets_item = password_resets_item_data.to_dict()
            password_resets.append(password_resets_item)

        sessions = []
        for sessions_item_data in self.sessions:
            sessions_item = sessions_item_data.to_dict()
            sessions.append(sessions_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "account": account,
                "emailVerifications": email_verifications,
                "passwordResets": password_resets,
                "sessions": sessions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.exported_account import ExportedAccount  # noqa: PLC0415
        from ..models.exported_link import ExportedLink  # noqa: PLC0415
        from ..models.exported_refresh_token import ExportedRefreshToken  # noqa: PLC0415

        d = dict(src_dict)
        account = ExportedAccount.from_dict(d.pop("account"))

        email_verifications = []
        _email_verifications = d.pop("emailVerifications")
        for email_verifications_item_data in _email_verifications:
            email_verifications_item = ExportedLink.from_dict(
                email_verifications_item_data
            )

            email_verifications.append(email_verifications_item)

        password_resets = []
        _password_resets = d.pop("passwordResets")
        for password_resets_item_data in _password_resets:
            password_resets_item = ExportedLink.from_dict(password_resets_item_data)

            password_resets.append(password_resets_item)

        sessions = []
        _sessions = d.pop("sessions")
        for sessions_item_data in _sessions:
            sessions_item = ExportedRefreshToken.from_dict(sessions_item_data)

            sessions.append(sessions_item)

        account_export_auth = cls(
            account=account,
            email_verifications=email_verifications,
            password_resets=password_resets,
            sessions=sessions,
        )

        return account_export_auth
