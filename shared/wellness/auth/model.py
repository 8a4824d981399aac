"""The auth domain's values and rules. Pure: no framework, no cloud SDK, no database.

>>> user = User.new(" Ada@Example.com", "$argon2id$...", " Ada ", "Europe/Paris")
>>> user.email, user.display_name
('ada@example.com', 'Ada')
>>> key = throttle_key(b"throttle-key", "client", "203.0.113.7")
>>> key.startswith("client:") and "203.0.113.7" not in key
True
>>> throttle_key(b"another key", "client", "203.0.113.7") != key
True
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import uuid
from typing import Any, ClassVar

from ..platform.clock import check_timezone, timestamp, utc_now


def normalize_email(email: str) -> str:
    """E-mail addresses are unique case-insensitively; the stored form is trimmed and lower-cased."""
    return email.strip().lower()


@dataclasses.dataclass(frozen=True)
class User:
    id: str
    email: str
    password_hash: str
    display_name: str
    timezone: str
    email_verified: bool = False
    created_at: dt.datetime | None = None  # None until stored

    @classmethod
    def new(cls, email: str, password_hash: str, display_name: str, timezone: str) -> User:
        """A new account: a fresh id, the normalized address, a known time zone (else a 400), not yet verified."""
        return cls(
            str(uuid.uuid4()),
            normalize_email(email),
            password_hash,
            display_name.strip(),
            check_timezone(timezone),
            created_at=utc_now(),
        )

    def created_event_data(self) -> dict[str, Any]:
        """The data of `user.created` (profile, program, reporting and notifications start from it)."""
        return {"userId": self.id, "email": self.email, "displayName": self.display_name, "timezone": self.timezone}


@dataclasses.dataclass(frozen=True)
class NewRefreshToken:
    """A refresh token as issued: the opaque value goes to the client, only its hash is stored."""

    id: str
    user_id: str
    family_id: str  # the session: every rotation of one login shares it
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
    rotated_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None


# Links kept per account and kind: adding one deletes the used and expired ones and all but the newest
# this many, so repeated requests cannot grow the tables (the mail throttles bound how fast they come).
LINKS_KEPT_PER_USER = 5


@dataclasses.dataclass(frozen=True)
class MailedLink:
    """A link mailed to a user: single use, until it expires. Its token is derived from the id (link_tokens)."""

    EVENT_ID_FIELD: ClassVar[str]  # what the requested event calls the id

    id: str
    user_id: str
    expires_at: dt.datetime
    used_at: dt.datetime | None = None

    def usable(self, now: dt.datetime) -> bool:
        return self.used_at is None and now < self.expires_at

    def requested_event_data(self, user: User) -> dict[str, Any]:
        """The data of the event that has it mailed: never a token or a link (see the events' schemas)."""
        return {
            self.EVENT_ID_FIELD: self.id,
            "userId": user.id,
            "email": user.email,
            "displayName": user.display_name,
            "expiresAt": timestamp(self.expires_at),
        }


class PasswordReset(MailedLink):
    """A requested reset (`password.reset_requested`).

    >>> now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    >>> reset = PasswordReset("r1", "u1", now + dt.timedelta(hours=1))
    >>> reset.usable(now), reset.usable(now + dt.timedelta(hours=2))
    (True, False)
    >>> sorted(reset.requested_event_data(User.new("ada@example.com", "h", "Ada", "UTC")))
    ['displayName', 'email', 'expiresAt', 'resetId', 'userId']
    """

    EVENT_ID_FIELD = "resetId"


class EmailVerification(MailedLink):
    """A verification of the account's address (`email.verification_requested`).

    >>> now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    >>> EmailVerification("v1", "u1", now + dt.timedelta(days=2)).usable(now)
    True
    """

    EVENT_ID_FIELD = "verificationId"


@dataclasses.dataclass(frozen=True)
class ThrottleRule:
    """At most max_failures attempts per key in window_seconds; then locked for lockout_seconds.

    Log-in counts failures (a success gives its attempt back); the mail-sending operations and
    sign-up count every attempt. A kind ending in "account" counts per e-mail address (registered
    or not), any other per client address.
    """

    kind: str  # "account" | "client" (log-in), "signup-…", "reset-…", "verify-…" (the mail-sending operations)
    max_failures: int
    window_seconds: int
    lockout_seconds: int

    @property
    def per_address(self) -> bool:
        return self.kind.endswith("account")


@dataclasses.dataclass(frozen=True)
class Reservation:
    """One login attempt counted before it is evaluated: the count in the window it took, or why it may not run."""

    attempts: int
    retry_after: int = 0  # > 0: refused, wait this long

    @property
    def allowed(self) -> bool:
        return self.retry_after == 0

    def last_of(self, rule: ThrottleRule) -> bool:
        """Whether a failure of this attempt spends the rule (then the key locks)."""
        return self.attempts >= rule.max_failures


def throttle_key(secret: bytes, kind: str, value: str) -> str:
    """The throttle row's key: HMAC-SHA256 of the e-mail or client address under the secret `throttle-key`.

    Keyed, not a bare hash: IPv4 addresses (2^32) and known e-mail addresses are found from a
    plain SHA-256 in seconds, so the table would still hold them in all but name.
    """
    digest = hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:40]
    return f"{kind}:{digest}"


def throttle_keys(secret: bytes, rules: tuple[ThrottleRule, ...], *, address: str, client: str) -> dict[str, str]:
    """Each rule's key: the address's for a per-address rule, the client's for the others.

    >>> rules = (ThrottleRule("reset-account", 3, 60, 60), ThrottleRule("reset-client", 20, 60, 60))
    >>> sorted(throttle_keys(b"k", rules, address="ada@example.com", client="203.0.113.7"))
    ['reset-account', 'reset-client']
    """
    return {rule.kind: throttle_key(secret, rule.kind, address if rule.per_address else client) for rule in rules}


@dataclasses.dataclass(frozen=True)
class Session:
    user: User
    access_token: str
    refresh_token: str
    expires_in: int

    def to_json(self) -> dict[str, Any]:
        return {
            "user": {"id": self.user.id, "email": self.user.email, "displayName": self.user.display_name},
            "accessToken": self.access_token,
            "refreshToken": self.refresh_token,
            "tokenType": "Bearer",
            "expiresIn": self.expires_in,
        }
