"""Password reset: a single-use, expiring link by mail, then a new password that ends every session.

The token in the link is `<resetId>.<mac>` with mac = HMAC-SHA256(key, resetId),
the key being the secret `password-reset-key`. The database stores the reset id with
its expiry and use; no token is stored or published in clear, and the notifications
subscriber derives the same token from the reset id in `password.reset_requested`.

    >>> service.request("ada@example.com")          # doctest: +SKIP
    >>> service.confirm(token, "a new long password")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Callable

from ..errors import ValidationError
from ..events import Event
from .model import PasswordReset, normalize_email
from .passwords import PasswordHasher
from .reset_tokens import parse_reset_token
from .store import AuthUnitOfWork

log = logging.getLogger(__name__)


class PasswordResetService:
    def __init__(
        self, *, unit_of_work: Callable[[], AuthUnitOfWork], hasher: PasswordHasher, key: Callable[[], bytes],
        ttl_seconds: int, clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ):  # fmt: skip
        self._unit_of_work = unit_of_work
        self._hasher = hasher
        self._key = key
        self._ttl = dt.timedelta(seconds=ttl_seconds)
        self._clock = clock

    def request(self, email: str) -> None:
        """Record a reset and `password.reset_requested` together; nothing (and no error) for an unknown address."""
        with self._unit_of_work() as uow:
            user = uow.users.by_email(normalize_email(email))
            if user is None:
                return
            reset = PasswordReset(str(uuid.uuid4()), user.id, self._clock() + self._ttl)
            uow.users.add_reset(reset)
            expires = reset.expires_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
            data = {"resetId": reset.id, "userId": user.id, "email": user.email,
                    "displayName": user.display_name, "expiresAt": expires}  # fmt: skip
            uow.outbox.add(Event.new("password.reset_requested", user_id=user.id, data=data))
            uow.commit()

    def confirm(self, token: str, new_password: str) -> None:
        """Set the new password, spend the reset (and any other outstanding), revoke every session."""
        invalid = ValidationError("invalid_reset_token", "The reset link is invalid or has expired.")
        reset_id = parse_reset_token(self._key(), token)
        if reset_id is None:
            raise invalid
        with self._unit_of_work() as uow:
            reset = uow.users.reset_by_id(reset_id)
            if reset is None or not reset.usable(self._clock()):
                raise invalid
            uow.users.set_password_hash(reset.user_id, self._hasher.hash(new_password))
            uow.users.use_resets(reset.user_id)
            uow.users.revoke_all_sessions(reset.user_id)
            uow.commit()
        log.info("password reset", extra={"fields": {"userId": reset.user_id}})
