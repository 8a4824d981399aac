"""The auth domain's storage: the port, its PostgreSQL adapter, and an in-memory fake.

>>> with PostgresAuthUnitOfWork(engine) as uow:        # doctest: +SKIP
...     uow.users.add(user); uow.outbox.add(event); uow.commit()
"""

from __future__ import annotations

import uuid
from types import TracebackType
from typing import Protocol, Self

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..db.tables import auth_refresh_tokens, auth_users
from ..events import Event
from ..postgres import UnitOfWork
from .model import NewRefreshToken, User


class EmailTakenError(Exception):
    """The e-mail address is already registered."""


class Users(Protocol):
    def add(self, user: User) -> None: ...
    def by_email(self, email: str) -> User | None: ...
    def set_password_hash(self, user_id: str, password_hash: str) -> None: ...
    def add_refresh_token(self, token: NewRefreshToken) -> None: ...


class Outbox(Protocol):
    def add(self, event: Event) -> None: ...


class AuthUnitOfWork(Protocol):
    @property
    def users(self) -> Users: ...
    @property
    def outbox(self) -> Outbox: ...

    def __enter__(self) -> Self: ...
    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None: ...
    def commit(self) -> None: ...


class PostgresUsers:
    def __init__(self, uow: UnitOfWork):
        self._uow = uow

    def add(self, user: User) -> None:
        conn = self._uow.connection
        try:
            with conn.begin_nested():  # a savepoint, so the conflict leaves the transaction usable
                conn.execute(
                    insert(auth_users).values(
                        id=uuid.UUID(user.id),
                        email=user.email,
                        password_hash=user.password_hash,
                        display_name=user.display_name,
                        timezone=user.timezone,
                    )  # fmt: skip
                )
        except IntegrityError:
            raise EmailTakenError(user.email) from None

    def by_email(self, email: str) -> User | None:
        row = self._uow.connection.execute(
            select(auth_users).where(func.lower(auth_users.c.email) == email.lower())
        ).first()
        if row is None:
            return None
        return User(str(row.id), row.email, row.password_hash, row.display_name, row.timezone)

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        self._uow.connection.execute(
            update(auth_users).where(auth_users.c.id == uuid.UUID(user_id)).values(password_hash=password_hash)
        )

    def add_refresh_token(self, token: NewRefreshToken) -> None:
        self._uow.connection.execute(
            insert(auth_refresh_tokens).values(
                id=uuid.UUID(token.id),
                user_id=uuid.UUID(token.user_id),
                family_id=uuid.UUID(token.family_id),
                token_hash=token.token_hash,
                expires_at=token.expires_at,
            )  # fmt: skip
        )


class PostgresAuthUnitOfWork(UnitOfWork):
    """A unit of work with the auth domain's repository on its connection."""

    users: PostgresUsers

    def __enter__(self) -> PostgresAuthUnitOfWork:
        super().__enter__()
        self.users = PostgresUsers(self)
        return self


class FakeAuthUnitOfWork:
    """In-memory stand-in for unit tests: commits are all-or-nothing, like the real one."""

    def __init__(self) -> None:
        self.committed_users: dict[str, User] = {}
        self.committed_tokens: list[NewRefreshToken] = []
        self.committed_events: list[Event] = []
        self.users = _FakeUsers(self)
        self.outbox = _FakeOutbox()

    def __enter__(self) -> FakeAuthUnitOfWork:
        self.users.pending_users = dict(self.committed_users)
        self.users.pending_tokens = []
        self.outbox.pending = []
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.users.pending_users = {}
        self.outbox.pending = []

    def commit(self) -> None:
        self.committed_users = dict(self.users.pending_users)
        self.committed_tokens += self.users.pending_tokens
        self.committed_events += self.outbox.pending
        self.users.pending_tokens, self.outbox.pending = [], []


class _FakeUsers:
    def __init__(self, uow: FakeAuthUnitOfWork):
        self.pending_users: dict[str, User] = {}
        self.pending_tokens: list[NewRefreshToken] = []

    def add(self, user: User) -> None:
        if any(u.email.lower() == user.email.lower() for u in self.pending_users.values()):
            raise EmailTakenError(user.email)
        self.pending_users[user.id] = user

    def by_email(self, email: str) -> User | None:
        return next((u for u in self.pending_users.values() if u.email.lower() == email.lower()), None)

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        old = self.pending_users[user_id]
        self.pending_users[user_id] = User(old.id, old.email, password_hash, old.display_name, old.timezone)

    def add_refresh_token(self, token: NewRefreshToken) -> None:
        self.pending_tokens.append(token)


class _FakeOutbox:
    def __init__(self) -> None:
        self.pending: list[Event] = []

    def add(self, event: Event) -> None:
        event.validate()
        self.pending.append(event)
