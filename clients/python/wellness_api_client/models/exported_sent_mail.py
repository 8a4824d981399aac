from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ExportedSentMail")


@_attrs_define
class ExportedSentMail:
    """A mail sent to the user, its kind and the provider's id, never its body or address. Stored fields not yet listed
    here are exported too.

        Attributes:
            event_id (str):
            kind (str | Unset):
            provider_id (None | str | Unset):
            sent_at (datetime.datetime | Unset):
            user_id (str | Unset):
    """

    event_id: str
    kind: str | Unset = UNSET
    provider_id: None | str | Unset = UNSET
    sent_at: datetime.datetime | Unset = UNSET
    user_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_id = self.event_id

        kind = self.kind

        provider_id: None | str | Unset
        if isinstance(self.provider_id, Unset):
            provider_id = UNSET
        else:
            provider_id = self.provider_id

        sent_at: str | Unset = UNSET
        if not isinstance(self.sent_at, Unset):
            sent_at = self.sent_at.isoformat()

        user_id = self.user_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "eventId": event_id,
            }
        )
        if kind is not UNSET:
            field_dict["kind"] = kind
        if provider_id is not UNSET:
            field_dict["providerId"] = provider_id
        if sent_at is not UNSET:
            field_dict["sentAt"] = sent_at
        if user_id is not UNSET:
            field_dict["userId"] = user_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_id = d.pop("eventId")

        kind = d.pop("kind", UNSET)

        def _parse_provider_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        provider_id = _parse_provider_id(d.pop("providerId", UNSET))

        _sent_at = d.pop("sentAt", UNSET)
        sent_at: datetime.datetime | Unset
        if isinstance(_sent_at, Unset):
            sent_at = UNSET
        else:
            sent_at = datetime.datetime.fromisoformat(_sent_at)

        user_id = d.pop("userId", UNSET)

        exported_sent_mail = cls(
            event_id=event_id,
            kind=kind,
            provider_id=provider_id,
            sent_at=sent_at,
            user_id=user_id,
        )

        exported_sent_mail.additional_properties = d
        return exported_sent_mail

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
