"""The auth domain's values and rules. Pure: no framework, no cloud SDK, no database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo

from ..errors import ValidationError


@dataclasses.dataclass(frozen=True)
class User:
    id: str
    email: str
    password_hash: str
    display_name: str
    timezone: str


@dataclasses.dataclass(frozen=True)
class NewRefreshToken:
    """A refresh token as issued: the opaque value goes to the client, only its hash is stored."""

    id: str
    user_id: str
    family_id: str
    token: str
    token_hash: bytes
    expires_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class StoredRefreshToken:
    """A refresh token as stored: never its value, only what decides whether it may be used."""

    id: str
    user_id: str
    family_id: str
    expires_at: dt.datetime
    rotated_at: dt.datetime | None
    revoked_at: dt.datetime | None


@dataclasses.dataclass(frozen=True)
class PasswordReset:
    id: str
    user_id: str
    expires_at: dt.datetime
    used_at: dt.datetime | None = None

    def usable(self, now: dt.datetime) -> bool:
        return self.used_at is None and now < self.expires_at


@dataclasses.dataclass(frozen=True)
class ThrottleRule:
    """At most max_failures failed logins per key in window_seconds; then locked for lockout_seconds."""

    kind: str  # "account" | "client"
    max_failures: int
    window_seconds: int
    lockout_seconds: int


@dataclasses.dataclass(frozen=True)
class Session:
    user: User
    access_token: str
    refresh_token: str
    expires_in: int

    def to_json(self) -> dict[str, object]:
        return {
            "user": {"id": self.user.id, "email": self.user.email, "displayName": self.user.display_name},
            "accessToken": self.access_token,
            "refreshToken": self.refresh_token,
            "tokenType": "Bearer",
            "expiresIn": self.expires_in,
        }


def normalize_email(email: str) -> str:
    """E-mail addresses are unique case-insensitively; the stored form is trimmed and lower-cased."""
    return email.strip().lower()


def check_timezone(name: str) -> str:
    """An IANA time zone name, or a 400 naming the field."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "invalid_timezone",
            "Unknown time zone.",
            [{"field": "body.timezone", "message": "must be an IANA time zone"}],
        ) from None
    return name
