from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.exported_sent_mail import ExportedSentMail


T = TypeVar("T", bound="AccountExportNotifications")


@_attrs_define
class AccountExportNotifications:
    """
    Attributes:
        sent_mail (list[ExportedSentMail]):
    """

    sent_mail: list[ExportedSentMail]

    def to_dict(self) -> dict[str, Any]:
        sent_mail = []
        for sent_mail_item_data in self.sent_mail:
            sent_mail_item = sent_mail_item_data.to_dict()
            sent_mail.append(sent_mail_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sentMail": sent_mail,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.exported_sent_mail import ExportedSentMail  # noqa: PLC0415

        d = dict(src_dict)
        sent_mail = []
        _sent_mail = d.pop("sentMail")
        for sent_mail_item_data in _sent_mail:
            sent_mail_item = ExportedSentMail.from_dict(sent_mail_item_data)

            sent_mail.append(sent_mail_item)

        account_export_notifications = cls(
            sent_mail=sent_mail,
        )

        return account_export_notifications
