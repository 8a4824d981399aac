"""Auth use cases: sign up and log in.

>>> service = AuthService(unit_of_work=lambda: FakeAuthUnitOfWork(), hasher=PasswordHasher(),
...                       tokens=lambda: issuer)                      # doctest: +SKIP
>>> service.sign_up(email=..., password=..., display_name=..., timezone=...)  # doctest: +SKIP
"""

from __future__ import annotations

import uuid
from typing import Callable

from ..errors import ConflictError, UnauthenticatedError
from ..events import Event
from .model import Session, User, check_timezone, normalize_email
from .passwords import PasswordHasher
from .store import AuthUnitOfWork, EmailTakenError
from .tokens import TokenIssuer


class AuthService:
    def __init__(
        self, *, unit_of_work: Callable[[], AuthUnitOfWork], hasher: PasswordHasher, tokens: Callable[[], TokenIssuer]
    ):
        self._unit_of_work = unit_of_work
        self._hasher = hasher
        self._tokens = tokens  # a factory: the signing keyset may rotate between requests

    def sign_up(self, *, email: str, password: str, display_name: str, timezone: str) -> Session:
        """Create the account, its first session and `user.created`, in one transaction."""
        user = User(
            id=str(uuid.uuid4()),
            email=normalize_email(email),
            password_hash=self._hasher.hash(password),
            display_name=display_name.strip(),
            timezone=check_timezone(timezone),
        )
        tokens = self._tokens()
        refresh = tokens.refresh_token(user.id)
        event = Event.new(
            "user.created",
            user_id=user.id,
            data={"userId": user.id, "email": user.email, "displayName": user.display_name, "timezone": user.timezone},
        )
        with self._unit_of_work() as uow:
            try:
                uow.users.add(user)
            except EmailTakenError:
                raise ConflictError("email_taken", "An account with this e-mail address already exists.") from None
            uow.users.add_refresh_token(refresh)
            uow.outbox.add(event)
            uow.commit()
        return Session(user, tokens.access_token(user.id), refresh.token, tokens.ttl_seconds)

    def log_in(self, *, email: str, password: str) -> Session:
        """A new session for the right password; the same 401 whether the account exists or not."""
        tokens = self._tokens()
        with self._unit_of_work() as uow:
            user = uow.users.by_email(normalize_email(email))
            if not self._hasher.verify(user.password_hash if user else None, password) or user is None:
                raise UnauthenticatedError("invalid_credentials", "Wrong e-mail address or password.")
            if self._hasher.needs_rehash(user.password_hash):
                uow.users.set_password_hash(user.id, self._hasher.hash(password))
            refresh = tokens.refresh_token(user.id)
            uow.users.add_refresh_token(refresh)
            uow.commit()
        return Session(user, tokens.access_token(user.id), refresh.token, tokens.ttl_seconds)
