"""Password reset: a single-use, expiring link by mail, then a new password that ends every session.

The token in the link is `<resetId>.<mac>` with mac = HMAC-SHA256(key, resetId),
the key being the secret `password-reset-key`. The database stores the reset id with
its expiry and use; no token is stored or published in clear, and the notifications
subscriber derives the same token from the reset id in `password.reset_requested`.

    >>> from wellness.auth.reset_tokens import reset_token
    >>> from wellness_testing.fakes.auth import RESET_KEY, fake_auth_service, fake_password_reset_service
    >>> auth, uow = fake_auth_service()
    >>> resets, _ = fake_password_reset_service(uow)
    >>> _ = auth.sign_up(email="ada@example.com", password="correct horse battery", display_name="Ada",
    ...                  timezone="UTC")
    >>> resets.request("ada@example.com")
    >>> uow.run(lambda store: resets.on_reset_submitted(store, uow.events("password.reset_submitted")[0]))
    >>> reset_id = uow.events("password.reset_requested")[0].data["resetId"]
    >>> resets.confirm(reset_token(RESET_KEY, reset_id), "a brand new password")
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Callable

from ..platform import metrics
from ..platform.clock import utc_now
from ..platform.errors import TooManyRequestsError, ValidationError
from ..platform.events import Event
from ..platform.ports import UnitOfWork
from ..platform.revocation import RevocationWriter, session_key
from .model import PasswordReset, ThrottleRule, normalize_email, throttle_keys
from .passwords import PasswordHasher
from .ports import AuthStore
from .reset_tokens import parse_reset_token
from .service import SessionEnder, first_refused

log = logging.getLogger(__name__)
ANONYMOUS = "anonymous"  # the acting user of an event nobody signed in for


def _invalid() -> ValidationError:
    return ValidationError("invalid_reset_token", "The reset link is invalid or has expired.")


class PasswordResetService:
    def __init__(
        self,
        unit_of_work: UnitOfWork[AuthStore],
        *,
        hasher: PasswordHasher,
        key: Callable[[], bytes],
        ttl_seconds: int,
        throttle_secret: Callable[[], bytes],
        rules: tuple[ThrottleRule, ...] = (),
        revocations: Callable[[], RevocationWriter] | None = None,
        revocation_seconds: int = 1200,
        clock: Callable[[], dt.datetime] = utc_now,
    ):
        self.unit_of_work = unit_of_work
        self._throttle_secret = throttle_secret
        self._rules = rules  # (per client, per address): AuthSettings.password_reset_rules
        self._hasher = hasher
        self._key = key  # a factory: the secret may rotate between requests
        self._ttl = dt.timedelta(seconds=ttl_seconds)
        self._ending = SessionEnder(revocations, revocation_seconds, clock)
        self._clock = clock

    def request(self, email: str, client: str = "") -> None:
        """Record `password.reset_submitted`, whatever the address: the same work, so the same time, either way.

        Whether the address is registered is decided after the answer, by the subscriber
        (`on_reset_submitted`): the answer cannot tell it, not even by how long it takes.
        Throttled per client (429 with Retry-After: it says nothing about any address) and per
        address, registered or not: past that limit the request is answered as any other (202)
        and records nothing, so nothing is mailed and the answer still tells nobody whether the
        address has an account or how many resets it was sent (README, "Throttles").
        """
        address = normalize_email(email)
        keys = throttle_keys(self._throttle_secret(), self._rules, address=address, client=client)

        def work(store: AuthStore) -> None:
            refused = first_refused(store, self._rules, keys)
            if refused is None:
                store.outbox.add(Event.new("password.reset_submitted", user_id=ANONYMOUS, data={"email": address}))
                return
            rule, reservation = refused
            metrics.throttled("password_reset")
            if not rule.per_address:  # rolled back: a refused request counts toward nothing
                raise TooManyRequestsError(
                    "too_many_requests", "Too many reset requests; try again later.", reservation.retry_after
                )

        self.unit_of_work.run(work)

    def on_reset_submitted(self, store: AuthStore, event: Event) -> None:
        """Record a reset and `password.reset_requested` for a registered address; nothing for another."""
        user = store.users.by_email(normalize_email(event.data["email"]))
        if user is None:
            return
        reset = PasswordReset(str(uuid.uuid4()), user.id, self._clock() + self._ttl)
        store.resets.add(reset)
        data = reset.requested_event_data(user)
        store.outbox.add(Event.new("password.reset_requested", user_id=user.id, data=data))

    def confirm(self, token: str, new_password: str) -> None:
        """Set the new password, spend the reset (and any other outstanding), revoke every session."""
        reset_id = parse_reset_token(self._key(), token)
        if reset_id is None:
            raise _invalid()
        password_hash = self._hasher.hash(new_password)

        def sessions(store: AuthStore) -> list[str]:
            reset = store.resets.by_id(reset_id)
            if reset is None or not reset.usable(self._clock()):
                raise _invalid()
            return [session_key(family) for family in store.sessions.live_families(reset.user_id)]

        ending = self.unit_of_work.read(sessions)
        self._ending.mirror(ending)  # before the sessions end: no domain takes their writes after the answer

        def work(store: AuthStore) -> tuple[str, list[str]]:
            reset = store.resets.by_id(reset_id)
            if reset is None or not reset.usable(self._clock()):
                raise _invalid()
            keys = [session_key(family) for family in store.sessions.live_families(reset.user_id)]
            store.users.set_password_hash(reset.user_id, password_hash)
            store.resets.use_all(reset.user_id)
            store.sessions.revoke_all(reset.user_id)
            self._ending.record(store, keys)
            return reset.user_id, keys

        user_id, ended = self.unit_of_work.run(work)
        self._ending.mirror([key for key in ended if key not in ending])  # a login that raced the reset
        log.info("password reset", extra={"fields": {"userId": user_id}})
