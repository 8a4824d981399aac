"""In-memory accounts, sessions, resets and login throttle behind the auth domain's ports.

The fakes keep time with the `clock` they are given (the real adapters use the
database's now()), so a test moves time by moving its clock. Passwords are hashed
with real argon2id at the cheapest cost: the rules are under test, not the cost.

    >>> service, uow = fake_auth_service()
    >>> session = service.sign_up(email="Ada@Example.com", password="correct horse battery",
    ...                           display_name="Ada", timezone="UTC")
    >>> [user.email for user in uow.state.users.values()]
    ['ada@example.com']
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Callable, Sequence, TypeVar

from wellness.auth.keys import Keyset, new_keyset_json
from wellness.auth.model import (
    LINKS_KEPT_PER_USER,
    EmailVerification,
    MailedLink,
    NewRefreshToken,
    PasswordReset,
    Reservation,
    StoredRefreshToken,
    ThrottleRule,
    User,
)
from wellness.auth.passwords import PasswordHasher
from wellness.auth.ports import EmailTakenError
from wellness.auth.resets import PasswordResetService
from wellness.auth.service import AuthService
from wellness.auth.settings import AuthSettings
from wellness.auth.tokens import TokenIssuer
from wellness.auth.verification import EmailVerificationService
from wellness.platform.clock import utc_now

from . import FakeState, FakeTransaction, FakeUnitOfWork

Clock = Callable[[], dt.datetime]
L = TypeVar("L", bound=MailedLink)
ISSUER, AUDIENCE = "iss", "aud"  # the claims fake_auth_service's tokens carry
RESET_KEY = b"reset-key"  # the password-reset key of fake_password_reset_service
THROTTLE_SECRET = b"throttle-key"  # the throttle-key secret of the fake services
SMOKE_KEY = b"smoke-key"  # the smoke-key secret of fake_verification_service
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024)


@dataclasses.dataclass
class ThrottleEntry:
    failures: int
    window_started_at: dt.datetime
    locked_until: dt.datetime | None = None
    expires_at: dt.datetime | None = None  # a window after the last attempt, or the lock's end: the later


@dataclasses.dataclass
class AuthState(FakeState):
    users: dict[str, User] = dataclasses.field(default_factory=dict)
    sessions: dict[bytes, StoredRefreshToken] = dataclasses.field(default_factory=dict)  # by token hash
    resets: dict[str, PasswordReset] = dataclasses.field(default_factory=dict)
    verifications: dict[str, EmailVerification] = dataclasses.field(default_factory=dict)
    throttle: dict[str, ThrottleEntry] = dataclasses.field(default_factory=dict)


class FakeRevocations:
    """Ended sessions: the auth transaction's records (on the state), or the Firestore mirror (on its own)."""

    def __init__(self, records: dict[str, dt.datetime] | None = None):
        self.records = {} if records is None else records

    def revoke(self, keys: Sequence[str], until: dt.datetime) -> None:
        for key in keys:
            self.records[key] = max(until, self.records.get(key, until))


class FakeUsers:
    def __init__(self, state: AuthState):
        self._state = state

    def add(self, user: User) -> None:
        if self.by_email(user.email) is not None:
            raise EmailTakenError(user.email)
        self._state.users[user.id] = user

    def by_email(self, email: str) -> User | None:
        return next((u for u in self._state.users.values() if u.email.lower() == email.lower()), None)

    def by_id(self, user_id: str) -> User | None:
        return self._state.users.get(user_id)

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        self._state.users[user_id] = dataclasses.replace(self._state.users[user_id], password_hash=password_hash)

    def mark_verified(self, user_id: str) -> None:
        if user_id in self._state.users:
            self._state.users[user_id] = dataclasses.replace(self._state.users[user_id], email_verified=True)

    def delete(self, user_id: str) -> bool:
        # As ON DELETE CASCADE does: the account's sessions and resets go with it.
        sessions, resets = self._state.sessions, self._state.resets
        self._state.sessions = {k: t for k, t in sessions.items() if t.user_id != user_id}
        self._state.resets = {k: r for k, r in resets.items() if r.user_id != user_id}
        verifications = self._state.verifications
        self._state.verifications = {k: v for k, v in verifications.items() if v.user_id != user_id}
        return self._state.users.pop(user_id, None) is not None


class FakeSessions:
    def __init__(self, state: AuthState, clock: Clock):
        self._state, self._clock = state, clock

    def add(self, token: NewRefreshToken) -> None:
        stored = StoredRefreshToken(token.id, token.user_id, token.family_id, token.expires_at)
        self._state.sessions[token.token_hash] = stored

    def by_hash(self, token_hash: bytes) -> StoredRefreshToken | None:
        return self._state.sessions.get(token_hash)

    def _revoke(self, match: Callable[[StoredRefreshToken], bool]) -> None:
        for key, token in list(self._state.sessions.items()):
            if match(token) and token.revoked_at is None:
                self._state.sessions[key] = dataclasses.replace(token, revoked_at=self._clock())

    def mark_rotated(self, token_id: str) -> None:
        for key, token in list(self._state.sessions.items()):
            if token.id == token_id:
                self._state.sessions[key] = dataclasses.replace(token, rotated_at=self._clock())

    def revoke_family(self, family_id: str) -> None:
        self._revoke(lambda t: t.family_id == family_id)

    def revoke_all(self, user_id: str) -> None:
        self._revoke(lambda t: t.user_id == user_id)

    def live_families(self, user_id: str) -> list[str]:
        live = (t.family_id for t in self._state.sessions.values() if t.user_id == user_id and t.revoked_at is None)
        return list(dict.fromkeys(live))


class FakeResets:
    def __init__(self, state: AuthState, clock: Clock):
        self._state, self._clock = state, clock

    def add(self, reset: PasswordReset) -> None:
        self._state.resets[reset.id] = reset
        _keep_links(self._state.resets, reset.user_id, self._clock())

    def by_id(self, reset_id: str) -> PasswordReset | None:
        return self._state.resets.get(reset_id)

    def use_all(self, user_id: str) -> None:
        for key, reset in list(self._state.resets.items()):
            if reset.user_id == user_id and reset.used_at is None:
                self._state.resets[key] = dataclasses.replace(reset, used_at=self._clock())


class FakeVerifications:
    def __init__(self, state: AuthState, clock: Clock):
        self._state, self._clock = state, clock

    def add(self, verification: EmailVerification) -> None:
        self._state.verifications[verification.id] = verification
        _keep_links(self._state.verifications, verification.user_id, self._clock())

    def by_id(self, verification_id: str) -> EmailVerification | None:
        return self._state.verifications.get(verification_id)

    def use_all(self, user_id: str) -> None:
        for key, verification in list(self._state.verifications.items()):
            if verification.user_id == user_id and verification.used_at is None:
                self._state.verifications[key] = dataclasses.replace(verification, used_at=self._clock())


class FakeThrottle:
    """The same rules as the Postgres upsert: a window per key, reserved attempts, a lock that starts a new count."""

    def __init__(self, state: AuthState, clock: Clock):
        self._state, self._clock = state, clock

    def reserve(self, key: str, rule: ThrottleRule) -> Reservation:
        now = self._clock()
        entry = self._state.throttle.get(key) or ThrottleEntry(0, now)
        if entry.locked_until is not None and entry.locked_until > now:
            return Reservation(entry.failures, math.ceil((entry.locked_until - now).total_seconds()))
        if entry.window_started_at < now - dt.timedelta(seconds=rule.window_seconds):
            entry = ThrottleEntry(0, now, entry.locked_until)
        expires = now + dt.timedelta(seconds=rule.window_seconds)
        expires = max(expires, entry.expires_at or expires)
        entry = dataclasses.replace(entry, failures=entry.failures + 1, expires_at=expires)
        self._state.throttle[key] = entry
        if entry.failures > rule.max_failures:
            window_end = entry.window_started_at + dt.timedelta(seconds=rule.window_seconds)
            return Reservation(entry.failures, max(1, math.ceil((window_end - now).total_seconds())))
        return Reservation(entry.failures)

    def failed(self, key: str, rule: ThrottleRule, reservation: Reservation) -> None:
        if reservation.last_of(rule):
            now = self._clock()
            until = now + dt.timedelta(seconds=rule.lockout_seconds)
            expires = max(until, self._state.throttle[key].expires_at or until)
            self._state.throttle[key] = ThrottleEntry(0, now, until, expires)

    def release(self, key: str) -> None:
        entry = self._state.throttle.get(key)
        if entry is not None:
            self._state.throttle[key] = dataclasses.replace(entry, failures=max(0, entry.failures - 1))

    def clear(self, key: str) -> None:
        self._state.throttle.pop(key, None)

    def purge_expired(self, batch: int) -> int:
        now = self._clock()
        expired = [k for k, e in self._state.throttle.items() if e.expires_at is not None and e.expires_at < now]
        for key in expired[:batch]:
            del self._state.throttle[key]
        return len(expired[:batch])


def _keep_links(links: dict[str, L], user_id: str, now: dt.datetime) -> None:
    """As the adapters do: the user's used and expired links go, and all but the newest LINKS_KEPT_PER_USER."""
    mine = [link for link in links.values() if link.user_id == user_id]  # in insertion order: oldest first
    live = [link for link in mine if link.usable(now)][-LINKS_KEPT_PER_USER:]
    for link in mine:
        if link not in live:
            del links[link.id]


class FakeAuthStore(FakeTransaction):
    state: AuthState

    def __init__(self, state: AuthState, clock: Clock = utc_now):
        super().__init__(state)
        self._clock = clock

    @property
    def users(self) -> FakeUsers:
        return FakeUsers(self.state)

    @property
    def sessions(self) -> FakeSessions:
        return FakeSessions(self.state, self._clock)

    @property
    def resets(self) -> FakeResets:
        return FakeResets(self.state, self._clock)

    @property
    def verifications(self) -> FakeVerifications:
        return FakeVerifications(self.state, self._clock)

    @property
    def throttle(self) -> FakeThrottle:
        return FakeThrottle(self.state, self._clock)

    @property
    def revocations(self) -> FakeRevocations:
        return FakeRevocations(self.state.revoked)


def fake_auth_unit_of_work(clock: Clock = utc_now) -> FakeUnitOfWork[FakeAuthStore, AuthState]:
    """One in-memory auth store whose timestamps come from `clock`; share it between the two services."""
    return FakeUnitOfWork(lambda state: FakeAuthStore(state, clock), AuthState(), now=clock)


def fake_auth_service(
    uow: FakeUnitOfWork[FakeAuthStore, AuthState] | None = None,
    *,
    keyset: Keyset | None = None,
    rules: tuple[ThrottleRule, ...] | None = None,
    hasher: PasswordHasher = FAST_HASHER,
    clock: Clock = utc_now,
    ttl_seconds: int = 600,
    mirror: FakeRevocations | None = None,
    signup_rules: tuple[ThrottleRule, ...] | None = (),
) -> tuple[AuthService, FakeUnitOfWork[FakeAuthStore, AuthState]]:
    """An AuthService on fakes: tokens from `keyset` (a fresh one by default) with ISSUER and AUDIENCE.

    `rules` default to the settings' defaults; `clock` fixes "now" for the service, its
    tokens and (when this builds the unit of work) the store. `mirror` receives the
    ended sessions meant for Firestore. Sign-ups are not throttled unless `signup_rules`
    are given (None: the settings' defaults).
    """
    mirror = FakeRevocations() if mirror is None else mirror
    uow = fake_auth_unit_of_work(clock) if uow is None else uow
    issuer = TokenIssuer(
        keyset or Keyset.from_json(new_keyset_json()),
        issuer=ISSUER,
        audience=AUDIENCE,
        ttl_seconds=ttl_seconds,
        clock=clock,
    )
    settings = AuthSettings.from_env({})
    rules = settings.throttle_rules if rules is None else rules
    service = AuthService(
        uow,
        hasher=hasher,
        tokens=lambda: issuer,
        rules=rules,
        throttle_secret=lambda: THROTTLE_SECRET,
        revocations=lambda: mirror,
        signup_rules=settings.signup_rules if signup_rules is None else signup_rules,
        clock=clock,
    )
    return service, uow


def fake_password_reset_service(
    uow: FakeUnitOfWork[FakeAuthStore, AuthState] | None = None,
    *,
    key: bytes = RESET_KEY,
    ttl_seconds: int = 3600,
    hasher: PasswordHasher = FAST_HASHER,
    clock: Clock = utc_now,
    mirror: FakeRevocations | None = None,
    rules: tuple[ThrottleRule, ...] | None = (),
) -> tuple[PasswordResetService, FakeUnitOfWork[FakeAuthStore, AuthState]]:
    """A PasswordResetService on fakes (pass the AuthService's `uow` to reset the accounts it made).

    Requests are not throttled unless `rules` are given (None: the settings' defaults).
    """
    uow = fake_auth_unit_of_work(clock) if uow is None else uow
    mirror = FakeRevocations() if mirror is None else mirror
    service = PasswordResetService(
        uow,
        hasher=hasher,
        key=lambda: key,
        ttl_seconds=ttl_seconds,
        throttle_secret=lambda: THROTTLE_SECRET,
        rules=AuthSettings.from_env({}).password_reset_rules if rules is None else rules,
        revocations=lambda: mirror,
        clock=clock,
    )
    return service, uow


def fake_verification_service(
    uow: FakeUnitOfWork[FakeAuthStore, AuthState] | None = None,
    *,
    key: bytes = RESET_KEY,
    smoke_key: bytes = SMOKE_KEY,
    ttl_seconds: int = 172800,
    clock: Clock = utc_now,
    rules: tuple[ThrottleRule, ...] | None = (),
) -> tuple[EmailVerificationService, FakeUnitOfWork[FakeAuthStore, AuthState]]:
    """An EmailVerificationService on fakes (pass the AuthService's `uow` to verify the accounts it made).

    Re-sent links are not throttled unless `rules` are given (None: the settings' defaults).
    """
    uow = fake_auth_unit_of_work(clock) if uow is None else uow
    service = EmailVerificationService(
        uow,
        key=lambda: key,
        ttl_seconds=ttl_seconds,
        throttle_secret=lambda: THROTTLE_SECRET,
        smoke_key=lambda: smoke_key,
        rules=AuthSettings.from_env({}).verification_rules if rules is None else rules,
        clock=clock,
    )
    return service, uow
