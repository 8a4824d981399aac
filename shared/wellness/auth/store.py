"""The auth domain's storage: the port, its PostgreSQL adapter, and an in-memory fake.

>>> with PostgresAuthUnitOfWork(engine) as uow:        # doctest: +SKIP
...     uow.users.add(user); uow.outbox.add(event); uow.commit()
"""

from __future__ import annotations

import uuid
from types import TracebackType
from typing import Protocol, Self

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..db.tables import auth_password_resets, auth_refresh_tokens, auth_users
from ..events import Event
from ..postgres import UnitOfWork
from .model import NewRefreshToken, PasswordReset, StoredRefreshToken, User
from .throttle_store import PostgresThrottle, Throttle


class EmailTakenError(Exception):
    """The e-mail address is already registered."""


class Users(Protocol):
    def add(self, user: User) -> None: ...
    def by_email(self, email: str) -> User | None: ...
    def set_password_hash(self, user_id: str, password_hash: str) -> None: ...
    def add_refresh_token(self, token: NewRefreshToken) -> None: ...
    def by_id(self, user_id: str) -> User | None: ...
    def delete(self, user_id: str) -> bool: ...
    def refresh_token_by_hash(self, token_hash: bytes) -> StoredRefreshToken | None: ...
    def mark_rotated(self, token_id: str) -> None: ...
    def revoke_family(self, family_id: str) -> None: ...
    def revoke_all_sessions(self, user_id: str) -> None: ...
    def add_reset(self, reset: PasswordReset) -> None: ...
    def reset_by_id(self, reset_id: str) -> PasswordReset | None: ...
    def use_resets(self, user_id: str) -> None: ...


class Outbox(Protocol):
    def add(self, event: Event) -> None: ...


class AuthUnitOfWork(Protocol):
    @property
    def users(self) -> Users: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def throttle(self) -> Throttle: ...

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

    def by_id(self, user_id: str) -> User | None:
        row = self._uow.connection.execute(select(auth_users).where(auth_users.c.id == uuid.UUID(user_id))).first()
        return None if row is None else User(str(row.id), row.email, row.password_hash, row.display_name, row.timezone)

    def delete(self, user_id: str) -> bool:
        """Deletes the account; its refresh tokens and resets go with it (ON DELETE CASCADE)."""
        result = self._uow.connection.execute(delete(auth_users).where(auth_users.c.id == uuid.UUID(user_id)))
        return bool(result.rowcount)

    def refresh_token_by_hash(self, token_hash: bytes) -> StoredRefreshToken | None:
        # FOR UPDATE: two concurrent uses of one token are serialized, so the second sees it rotated.
        t = auth_refresh_tokens
        row = self._uow.connection.execute(select(t).where(t.c.token_hash == token_hash).with_for_update()).first()
        if row is None:
            return None
        return StoredRefreshToken(
            str(row.id), str(row.user_id), str(row.family_id), row.expires_at, row.rotated_at, row.revoked_at
        )

    def mark_rotated(self, token_id: str) -> None:
        t = auth_refresh_tokens
        self._uow.connection.execute(update(t).where(t.c.id == uuid.UUID(token_id)).values(rotated_at=func.now()))

    def revoke_family(self, family_id: str) -> None:
        t = auth_refresh_tokens
        self._uow.connection.execute(
            update(t)
            .where(t.c.family_id == uuid.UUID(family_id), t.c.revoked_at.is_(None))
            .values(revoked_at=func.now())
        )

    def revoke_all_sessions(self, user_id: str) -> None:
        t = auth_refresh_tokens
        self._uow.connection.execute(
            update(t).where(t.c.user_id == uuid.UUID(user_id), t.c.revoked_at.is_(None)).values(revoked_at=func.now())
        )

    def add_reset(self, reset: PasswordReset) -> None:
        self._uow.connection.execute(
            insert(auth_password_resets).values(
                id=uuid.UUID(reset.id), user_id=uuid.UUID(reset.user_id), expires_at=reset.expires_at
            )
        )

    def reset_by_id(self, reset_id: str) -> PasswordReset | None:
        t = auth_password_resets
        row = self._uow.connection.execute(select(t).where(t.c.id == uuid.UUID(reset_id)).with_for_update()).first()
        return None if row is None else PasswordReset(str(row.id), str(row.user_id), row.expires_at, row.used_at)

    def use_resets(self, user_id: str) -> None:
        """Marks every outstanding reset of the user used: a new password ends them all."""
        t = auth_password_resets
        self._uow.connection.execute(
            update(t).where(t.c.user_id == uuid.UUID(user_id), t.c.used_at.is_(None)).values(used_at=func.now())
        )


class PostgresAuthUnitOfWork(UnitOfWork):
    """A unit of work with the auth domain's repositories on its connection."""

    users: PostgresUsers
    throttle: PostgresThrottle

    def __enter__(self) -> PostgresAuthUnitOfWork:
        super().__enter__()
        self.users = PostgresUsers(self)
        self.throttle = PostgresThrottle(self)
        return self
