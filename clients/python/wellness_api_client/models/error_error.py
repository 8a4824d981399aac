from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.error_error_details_item import ErrorErrorDetailsItem


T = TypeVar("T", bound="ErrorError")


@_attrs_define
class ErrorError:
    """
    Attributes:
        code (str): Stable, machine-readable (snake_case). Example: validation_failed.
        details (list[ErrorErrorDetailsItem]):
        message (str): For people; may change.
        request_id (str):
    """

    code: str
    details: list[ErrorErrorDetailsItem]
    message: str
    request_id: str

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        details = []
        for details_item_data in self.details:
            details_item = details_item_data.to_dict()
            details.append(details_item)

        message = self.message

        request_id = self.request_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "code": code,
                "details": details,
                "message": message,
                "requestId": request_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_error_details_item import ErrorErrorDetailsItem  # noqa: PLC0415

        d = dict(src_dict)
        code = d.pop("code")

        details = []
        _details = d.pop("details")
        for details_item_data in _details:
            details_item = ErrorErrorDetailsItem.from_dict(details_item_data)

            details.append(details_item)

        message = d.pop("message")

        request_id = d.pop("requestId")

        error_error = cls(
            code=code,
            details=details,
            message=message,
            request_id=request_id,
        )

        return error_error
