"""What the auth services need from storage: accounts, sessions, resets and the login throttle."""

from __future__ import annotations

import datetime as dt
from typing import Protocol, Sequence

from ..platform.ports import Transaction
from .model import (
    EmailVerification,
    NewRefreshToken,
    PasswordReset,
    Reservation,
    StoredRefreshToken,
    ThrottleRule,
    User,
)


class EmailTakenError(Exception):
    """Users.add: the e-mail address is already registered (compared case-insensitively)."""


class Users(Protocol):
    def add(self, user: User) -> None:
        """Create the account; raises EmailTakenError and leaves the transaction usable when the address is taken."""
        ...

    def by_email(self, email: str) -> User | None: ...

    def by_id(self, user_id: str) -> User | None: ...

    def set_password_hash(self, user_id: str, password_hash: str) -> None: ...

    def mark_verified(self, user_id: str) -> None:
        """The user proved the address is theirs (a verification link)."""
        ...

    def delete(self, user_id: str) -> bool:
        """Delete the account with its sessions and resets; False when it was already gone."""
        ...


class Sessions(Protocol):
    """Refresh tokens, by the hash of their value; a family of rotated tokens is one session."""

    def add(self, token: NewRefreshToken) -> None: ...

    def by_hash(self, token_hash: bytes) -> StoredRefreshToken | None:
        """The token, locked for this transaction: two concurrent uses are serialized."""
        ...

    def mark_rotated(self, token_id: str) -> None: ...

    def revoke_family(self, family_id: str) -> None:
        """End one session: every token of the family, rotated or not."""
        ...

    def revoke_all(self, user_id: str) -> None:
        """End every session of the user."""
        ...

    def live_families(self, user_id: str) -> list[str]:
        """The user's sessions not yet ended (their access tokens' `sid`)."""
        ...


class Revocations(Protocol):
    """Ended sessions, written in this transaction (wellness.platform.revocation): no write with their tokens."""

    def revoke(self, keys: Sequence[str], until: dt.datetime) -> None: ...


class Resets(Protocol):
    def add(self, reset: PasswordReset) -> None:
        """Record the reset; the user's used and expired ones go, and all but the newest LINKS_KEPT_PER_USER."""
        ...

    def by_id(self, reset_id: str) -> PasswordReset | None:
        """The reset, locked for this transaction: a token is spent once even when confirmed twice at once."""
        ...

    def use_all(self, user_id: str) -> None:
        """Spend every outstanding reset of the user: a new password ends them all."""
        ...


class Verifications(Protocol):
    def add(self, verification: EmailVerification) -> None:
        """Record the link; the user's used and expired ones go, and all but the newest LINKS_KEPT_PER_USER."""
        ...

    def by_id(self, verification_id: str) -> EmailVerification | None:
        """The verification, locked for this transaction: a link is spent once even when opened twice at once."""
        ...

    def use_all(self, user_id: str) -> None: ...


class Throttle(Protocol):
    """Attempts shared by every instance, per key (see model.throttle_key): log-in, sign-up, the mail-sending ones.

    An attempt is reserved (counted) before its password is checked, in one statement
    that locks the key's row, so concurrent attempts cannot all slip under the limit.
    """

    def reserve(self, key: str, rule: ThrottleRule) -> Reservation:
        """Count one more attempt in the rule's window; `allowed` is False once the key is locked or spent."""
        ...

    def failed(self, key: str, rule: ThrottleRule, reservation: Reservation) -> None:
        """The reserved attempt failed: when it was the rule's last, lock the key for the lockout."""
        ...

    def release(self, key: str) -> None:
        """The reserved attempt succeeded: it no longer counts."""
        ...

    def clear(self, key: str) -> None: ...

    def purge_expired(self, batch: int) -> int:
        """Delete up to `batch` rows whose window and lock are over (they would count nothing); how many went."""
        ...


class AuthStore(Transaction, Protocol):
    @property
    def users(self) -> Users: ...

    @property
    def sessions(self) -> Sessions: ...

    @property
    def resets(self) -> Resets: ...

    @property
    def verifications(self) -> Verifications: ...

    @property
    def throttle(self) -> Throttle: ...

    @property
    def revocations(self) -> Revocations: ...
