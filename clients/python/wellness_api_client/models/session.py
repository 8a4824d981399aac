from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.session_token_type import SessionTokenType

if TYPE_CHECKING:
    from ..models.user import User


T = TypeVar("T", bound="Session")


@_attrs_define
class Session:
    """
    Example:
        {'accessToken': 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjIwMjYtMTEtMjctYmE2MzEyZWEiLCJ0eXAiOiJhdCtqd3QifQ.e30.c2ln',
            'expiresIn': 900, 'refreshToken': 'jHIbbvtP5V-IlbdtU4j921x7_EoJ5t-oAqs62uOn8MU', 'tokenType': 'Bearer', 'user':
            {'displayName': 'Ada', 'email': 'ada@example.com', 'id': 'd75ff9b6-1c1a-4425-bf44-16e5839b0787'}}

    Attributes:
        access_token (str):
        expires_in (int): Seconds until the access token expires.
        refresh_token (str):
        token_type (SessionTokenType):
        user (User):
    """

    access_token: str
    expires_in: int
    refresh_token: str
    token_type: SessionTokenType
    user: User

    def to_dict(self) -> dict[str, Any]:
        access_token = self.access_token

        expires_in = self.expires_in

        refresh_token = self.refresh_token

        token_type = self.token_type.value

        user = self.user.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "accessToken": access_token,
                "expiresIn": expires_in,
                "refreshToken": refresh_token,
                "tokenType": token_type,
                "user": user,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.user import User  # noqa: PLC0415

        d = dict(src_dict)
        access_token = d.pop("accessToken")

        expires_in = d.pop("expiresIn")

        refresh_token = d.pop("refreshToken")

        token_type = SessionTokenType(d.pop("tokenType"))

        user = User.from_dict(d.pop("user"))

        session = cls(
            access_token=access_token,
            expires_in=expires_in,
            refresh_token=refresh_token,
            token_type=token_type,
            user=user,
        )

        return session
