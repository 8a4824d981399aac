"""In-memory stand-ins for the auth storage ports, shared by the unit tests.

>>> uow = FakeAuthUnitOfWork()
>>> with uow: uow.commit()
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from types import TracebackType
from typing import Callable

from ..events import Event
from .model import NewRefreshToken, PasswordReset, StoredRefreshToken, ThrottleRule, User
from .store import EmailTakenError


class FakeAuthUnitOfWork:
    """Commits are all-or-nothing, like the real one: work on copies, swap them in on commit."""

    def __init__(self, clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        self.clock = clock
        self.committed_users: dict[str, User] = {}
        self.committed_tokens: list[NewRefreshToken] = []
        self.committed_events: list[Event] = []
        self.state = _State()
        self.pending = self.state.copy()
        self.users = _FakeUsers(self)
        self.outbox = _FakeOutbox()
        self.throttle = _FakeThrottle(self)

    def __enter__(self) -> FakeAuthUnitOfWork:
        self.users.pending_users = dict(self.committed_users)
        self.users.pending_tokens = []
        self.pending = self.state.copy()
        self.outbox.pending = []
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.users.pending_users = {}
        self.outbox.pending = []

    def commit(self) -> None:
        self.committed_users = dict(self.users.pending_users)
        self.committed_tokens += self.users.pending_tokens
        self.committed_events += self.outbox.pending
        self.state = self.pending.copy()
        self.users.pending_tokens, self.outbox.pending = [], []


@dataclasses.dataclass
class _State:
    tokens: dict[bytes, StoredRefreshToken] = dataclasses.field(default_factory=dict)
    resets: dict[str, PasswordReset] = dataclasses.field(default_factory=dict)
    throttle: dict[str, tuple[int, dt.datetime, dt.datetime | None]] = dataclasses.field(default_factory=dict)

    def copy(self) -> _State:
        return _State(dict(self.tokens), dict(self.resets), dict(self.throttle))


class _FakeUsers:
    def __init__(self, uow: FakeAuthUnitOfWork):
        self._uow = uow
        self.pending_users: dict[str, User] = {}
        self.pending_tokens: list[NewRefreshToken] = []

    def add(self, user: User) -> None:
        if any(u.email.lower() == user.email.lower() for u in self.pending_users.values()):
            raise EmailTakenError(user.email)
        self.pending_users[user.id] = user

    def by_email(self, email: str) -> User | None:
        return next((u for u in self.pending_users.values() if u.email.lower() == email.lower()), None)

    def by_id(self, user_id: str) -> User | None:
        return self.pending_users.get(user_id)

    def delete(self, user_id: str) -> bool:
        tokens = self._uow.pending.tokens
        for key in [k for k, t in tokens.items() if t.user_id == user_id]:
            del tokens[key]
        return self.pending_users.pop(user_id, None) is not None

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        self.pending_users[user_id] = dataclasses.replace(self.pending_users[user_id], password_hash=password_hash)

    def add_refresh_token(self, token: NewRefreshToken) -> None:
        self.pending_tokens.append(token)
        self._uow.pending.tokens[token.token_hash] = StoredRefreshToken(
            token.id, token.user_id, token.family_id, token.expires_at, None, None
        )

    def refresh_token_by_hash(self, token_hash: bytes) -> StoredRefreshToken | None:
        return self._uow.pending.tokens.get(token_hash)

    def _update(self, match: Callable[[StoredRefreshToken], bool], **changes: object) -> None:
        tokens = self._uow.pending.tokens
        for key, token in list(tokens.items()):
            if match(token):
                tokens[key] = dataclasses.replace(token, **changes)  # type: ignore[arg-type]

    def mark_rotated(self, token_id: str) -> None:
        self._update(lambda t: t.id == token_id, rotated_at=self._uow.clock())

    def revoke_family(self, family_id: str) -> None:
        self._update(lambda t: t.family_id == family_id and t.revoked_at is None, revoked_at=self._uow.clock())

    def revoke_all_sessions(self, user_id: str) -> None:
        self._update(lambda t: t.user_id == user_id and t.revoked_at is None, revoked_at=self._uow.clock())

    def add_reset(self, reset: PasswordReset) -> None:
        self._uow.pending.resets[reset.id] = reset

    def reset_by_id(self, reset_id: str) -> PasswordReset | None:
        return self._uow.pending.resets.get(reset_id)

    def use_resets(self, user_id: str) -> None:
        resets = self._uow.pending.resets
        for key, reset in list(resets.items()):
            if reset.user_id == user_id and reset.used_at is None:
                resets[key] = dataclasses.replace(reset, used_at=self._uow.clock())


class _FakeThrottle:
    def __init__(self, uow: FakeAuthUnitOfWork):
        self._uow = uow

    def retry_after(self, keys: list[str]) -> int:
        now = self._uow.clock()
        locks = [self._uow.pending.throttle[k][2] for k in keys if k in self._uow.pending.throttle]
        waits = [(lock - now).total_seconds() for lock in locks if lock is not None and lock > now]
        return math.ceil(max(waits, default=0))

    def record_failure(self, key: str, rule: ThrottleRule) -> None:
        now = self._uow.clock()
        failures, started, locked = self._uow.pending.throttle.get(key, (0, now, None))
        if started < now - dt.timedelta(seconds=rule.window_seconds):
            failures, started = 0, now
        failures += 1
        if failures >= rule.max_failures:
            failures, started, locked = 0, now, now + dt.timedelta(seconds=rule.lockout_seconds)
        self._uow.pending.throttle[key] = (failures, started, locked)

    def clear(self, key: str) -> None:
        self._uow.pending.throttle.pop(key, None)


class _FakeOutbox:
    def __init__(self) -> None:
        self.pending: list[Event] = []

    def add(self, event: Event) -> None:
        event.validate()
        self.pending.append(event)
