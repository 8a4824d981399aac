"""Auth use cases: sign up, log in (throttled), refresh, log out, delete the account.

>>> service = AuthService(unit_of_work=lambda: FakeAuthUnitOfWork(), hasher=PasswordHasher(),
...                       tokens=lambda: issuer, rules=DEFAULT_RULES)           # doctest: +SKIP
>>> session = service.log_in(email="ada@example.com", password="...", client="203.0.113.7")  # doctest: +SKIP
>>> service.refresh(session.refresh_token)                                     # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from typing import Callable

from ..errors import ConflictError, TooManyRequestsError, UnauthenticatedError
from ..events import Event
from .model import Session, ThrottleRule, User, check_timezone, normalize_email
from .passwords import PasswordHasher
from .store import AuthUnitOfWork, EmailTakenError
from .tokens import TokenIssuer, hash_refresh_token

log = logging.getLogger(__name__)

DEFAULT_RULES = (ThrottleRule("account", 5, 900, 900), ThrottleRule("client", 50, 900, 900))
_INVALID_REFRESH = "The refresh token is not valid; log in again."


def throttle_key(kind: str, value: str) -> str:
    """The throttle row's key; e-mail addresses are hashed so the table holds none."""
    digest = hashlib.sha256(value.encode()).hexdigest()[:40] if kind == "account" else value[:80]
    return f"{kind}:{digest}"


class AuthService:
    def __init__(
        self, *, unit_of_work: Callable[[], AuthUnitOfWork], hasher: PasswordHasher,
        tokens: Callable[[], TokenIssuer], rules: tuple[ThrottleRule, ...] = DEFAULT_RULES,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ):  # fmt: skip
        self._unit_of_work = unit_of_work
        self._hasher = hasher
        self._tokens = tokens  # a factory: the signing keyset may rotate between requests
        self._rules = rules
        self._clock = clock

    def _session(self, tokens: TokenIssuer, user: User, refresh_token: str, family_id: str) -> Session:
        return Session(user, tokens.access_token(user.id, family_id), refresh_token, tokens.ttl_seconds)

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
        return self._session(tokens, user, refresh.token, refresh.family_id)

    def log_in(self, *, email: str, password: str, client: str = "") -> Session:
        """A new session for the right password; the same 401 (or 429) whether the account exists or not.

        Failures count per account (registered or not, so a 429 tells nothing) and per
        client; the counts live in the database, so every instance sees them.
        """
        tokens = self._tokens()
        keys = {rule.kind: throttle_key(rule.kind, normalize_email(email) if rule.kind == "account" else client)
                for rule in self._rules}  # fmt: skip
        with self._unit_of_work() as uow:
            wait = uow.throttle.retry_after(list(keys.values()))
            if wait > 0:
                raise TooManyRequestsError("too_many_attempts", "Too many failed logins; try again later.", wait)
            user = uow.users.by_email(normalize_email(email))
            if not self._hasher.verify(user.password_hash if user else None, password) or user is None:
                for rule in self._rules:
                    uow.throttle.record_failure(keys[rule.kind], rule)
                uow.commit()  # the failure must count even though the answer is an error
                log.info("login failed", extra={"fields": {"outcome": "invalid_credentials"}})
                raise UnauthenticatedError("invalid_credentials", "Wrong e-mail address or password.")
            uow.throttle.clear(keys["account"])
            if self._hasher.needs_rehash(user.password_hash):
                uow.users.set_password_hash(user.id, self._hasher.hash(password))
            refresh = tokens.refresh_token(user.id)
            uow.users.add_refresh_token(refresh)
            uow.commit()
        return self._session(tokens, user, refresh.token, refresh.family_id)

    def refresh(self, refresh_token: str) -> Session:
        """Rotate a refresh token: a new pair in the same family (RFC 9700 §4.14.2).

        Presenting a token that was already rotated means it leaked (or raced): the whole
        family is revoked, so both the thief and the owner must log in again.
        """
        tokens = self._tokens()
        with self._unit_of_work() as uow:
            stored = uow.users.refresh_token_by_hash(hash_refresh_token(refresh_token))
            if stored is None or stored.revoked_at is not None or stored.expires_at <= self._clock():
                raise UnauthenticatedError("invalid_refresh_token", _INVALID_REFRESH)
            if stored.rotated_at is not None:
                uow.users.revoke_family(stored.family_id)
                uow.commit()
                log.warning("refresh token reused; session revoked", extra={"fields": {"sessionId": stored.family_id}})
                raise UnauthenticatedError("invalid_refresh_token", _INVALID_REFRESH)
            user = uow.users.by_id(stored.user_id)
            if user is None:
                raise UnauthenticatedError("invalid_refresh_token", _INVALID_REFRESH)
            uow.users.mark_rotated(stored.id)
            fresh = tokens.refresh_token(user.id, family_id=stored.family_id)
            uow.users.add_refresh_token(fresh)
            uow.commit()
        return self._session(tokens, user, fresh.token, stored.family_id)

    def log_out(self, session_id: str | None) -> None:
        """Revoke the session (the refresh-token family) the access token was issued for."""
        if not session_id:
            return
        with self._unit_of_work() as uow:
            uow.users.revoke_family(session_id)
            uow.commit()

    def delete_account(self, user_id: str) -> None:
        """Delete the account and its sessions, and publish `user.deleted` so every domain erases its data.

        Idempotent: deleting an account that is already gone changes nothing.
        """
        with self._unit_of_work() as uow:
            if not uow.users.delete(user_id):
                return
            uow.outbox.add(Event.new("user.deleted", user_id=user_id, data={"userId": user_id}))
            uow.commit()
