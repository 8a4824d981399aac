"""Auth use cases: sign up, log in (throttled), refresh, log out, delete the account.

>>> from wellness_testing.fakes.auth import fake_auth_service
>>> service, uow = fake_auth_service()
>>> session = service.sign_up(email="ada@example.com", password="correct horse battery",
...                           display_name="Ada", timezone="UTC")
>>> service.refresh(session.refresh_token).user == session.user
True
>>> [event.type for event in uow.published]
['user.created', 'email.verification_requested']
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Callable

from ..platform import metrics, smoke
from ..platform.clock import utc_now
from ..platform.errors import ConflictError, TooManyRequestsError, UnauthenticatedError
from ..platform.events import Event
from ..platform.ports import UnitOfWork
from ..platform.revocation import RevocationWriter, session_key, user_key
from .model import (
    EmailVerification,
    NewRefreshToken,
    Reservation,
    Session,
    ThrottleRule,
    User,
    normalize_email,
    throttle_keys,
)
from .passwords import PasswordHasher
from .ports import AuthStore, EmailTakenError
from .tokens import TokenIssuer, hash_refresh_token

log = logging.getLogger(__name__)

_INVALID_REFRESH = "The refresh token is not valid; log in again."


def _invalid_refresh() -> UnauthenticatedError:
    return UnauthenticatedError("invalid_refresh_token", _INVALID_REFRESH)


class AuthService:
    def __init__(
        self,
        unit_of_work: UnitOfWork[AuthStore],
        *,
        hasher: PasswordHasher,
        tokens: Callable[[], TokenIssuer],
        rules: tuple[ThrottleRule, ...],
        throttle_secret: Callable[[], bytes],
        revocations: Callable[[], RevocationWriter] | None = None,
        revocation_seconds: int = 1200,
        signup_rules: tuple[ThrottleRule, ...] = (),
        verification_ttl_seconds: int = 172800,
        clock: Callable[[], dt.datetime] = utc_now,
    ):
        self.unit_of_work = unit_of_work
        self._signup_rules = signup_rules
        self._verification_ttl = dt.timedelta(seconds=verification_ttl_seconds)
        self._hasher = hasher
        self._tokens = tokens  # a factory: the signing keyset may rotate between requests
        self._rules = rules
        self._throttle_secret = throttle_secret  # a factory: the secret may rotate between requests
        self._ending = SessionEnder(revocations, revocation_seconds, clock)
        self._clock = clock

    @staticmethod
    def _session(tokens: TokenIssuer, user: User, refresh: NewRefreshToken) -> Session:
        access = tokens.access_token(
            user.id,
            refresh.family_id,
            email_verified=user.email_verified,
            account_created_at=user.created_at,
            smoke=smoke.is_smoke_address(user.email),
        )
        return Session(user, access, refresh.token, tokens.ttl_seconds)

    def sign_up(self, *, email: str, password: str, display_name: str, timezone: str, client: str = "") -> Session:
        """Create the account, its first session, its verification link and `user.created`, in one transaction.

        Sign-ups are throttled per client and per address (every attempt counts, in the
        window), so nobody mints accounts in bulk or mails one address over and over. The
        account starts unverified: `email.verification_requested` has its link mailed.
        """
        user = User.new(email, self._hasher.hash(password), display_name, timezone)
        tokens = self._tokens()
        refresh = tokens.refresh_token(user.id)
        verification = EmailVerification(str(uuid.uuid4()), user.id, self._clock() + self._verification_ttl)
        keys = throttle_keys(self._throttle_secret(), self._signup_rules, address=user.email, client=client)

        def attempt(store: AuthStore) -> None:  # committed on its own: a refused or failed sign-up counts too
            refused = first_refused(store, self._signup_rules, keys)
            if refused is not None:
                metrics.throttled("signup")
                raise TooManyRequestsError(
                    "too_many_signups", "Too many sign-ups; try again later.", refused[1].retry_after
                )

        if self._signup_rules:
            self.unit_of_work.run(attempt)

        def work(store: AuthStore) -> None:
            try:
                store.users.add(user)
            except EmailTakenError:
                raise ConflictError("email_taken", "An account with this e-mail address already exists.") from None
            store.sessions.add(refresh)
            store.verifications.add(verification)
            store.outbox.add(Event.new("user.created", user_id=user.id, data=user.created_event_data()))
            data = verification.requested_event_data(user)
            store.outbox.add(Event.new("email.verification_requested", user_id=user.id, data=data))

        with smoke.lane(smoke.is_smoke_address(user.email)):  # no token yet: the address says (platform.smoke)
            self.unit_of_work.run(work)
        return self._session(tokens, user, refresh)

    def log_in(self, *, email: str, password: str, client: str = "") -> Session:
        """A new session for the right password; the same 401 (or 429) whether the account exists or not.

        Attempts count per account (registered or not, so a 429 tells nothing) and per
        client, in the database, so every instance sees them. Each attempt is reserved
        (counted, in one locking statement) and committed before its password is checked:
        a burst of concurrent guesses evaluates at most the limit, and the hash is
        computed with no transaction open. A success gives its reservation back.
        """
        tokens = self._tokens()
        address = normalize_email(email)
        keys = throttle_keys(self._throttle_secret(), self._rules, address=address, client=client)

        def reserve(store: AuthStore) -> tuple[dict[str, Reservation], User | None]:
            store.throttle.purge_expired(PURGE_BATCH)
            reservations = {rule.kind: store.throttle.reserve(keys[rule.kind], rule) for rule in self._rules}
            wait = max(r.retry_after for r in reservations.values()) if reservations else 0
            if wait > 0:  # rolled back: an attempt that is not evaluated does not count
                metrics.throttled("login")
                raise TooManyRequestsError("too_many_attempts", "Too many failed logins; try again later.", wait)
            return reservations, store.users.by_email(address)

        reservations, user = self.unit_of_work.run(reserve)
        if not self._hasher.verify(user.password_hash if user else None, password) or user is None:

            def failed(store: AuthStore) -> None:
                for rule in self._rules:
                    store.throttle.failed(keys[rule.kind], rule, reservations[rule.kind])

            self.unit_of_work.run(failed)
            log.info("login failed", extra={"fields": {"outcome": "invalid_credentials"}})
            raise UnauthenticatedError("invalid_credentials", "Wrong e-mail address or password.")
        signed_in = user

        def succeeded(store: AuthStore) -> NewRefreshToken:
            for kind, key in keys.items():
                if kind == "account":
                    store.throttle.clear(key)
                else:
                    store.throttle.release(key)
            if self._hasher.needs_rehash(signed_in.password_hash):
                store.users.set_password_hash(signed_in.id, self._hasher.hash(password))
            refresh = tokens.refresh_token(signed_in.id)
            store.sessions.add(refresh)
            return refresh

        return self._session(tokens, signed_in, self.unit_of_work.run(succeeded))

    def refresh(self, refresh_token: str) -> Session:
        """Rotate a refresh token: a new pair in the same family (RFC 9700 §4.14.2).

        Presenting a token that was already rotated means it leaked (or raced): the whole
        session ends, as a log-out ends it: its refresh tokens are revoked and `session:<sid>`
        is recorded in both stores, so its access tokens write nothing more, anywhere, from
        this answer on. Both the thief and the owner must log in again.
        """
        tokens = self._tokens()
        token_hash = hash_refresh_token(refresh_token)

        def reused(store: AuthStore) -> str | None:
            stored = store.sessions.by_hash(token_hash)
            live = stored is not None and stored.revoked_at is None and stored.rotated_at is not None
            return stored.family_id if live and stored is not None else None

        # Mirrored first (as log-out does): once the answer is out, no domain takes the session's writes.
        seen_reused = self.unit_of_work.read(reused)
        if seen_reused is not None:
            self._ending.mirror([session_key(seen_reused)])

        def work(store: AuthStore) -> tuple[User, NewRefreshToken] | str:
            stored = store.sessions.by_hash(token_hash)
            if stored is None or stored.revoked_at is not None or stored.expires_at <= self._clock():
                raise _invalid_refresh()
            if stored.rotated_at is not None:
                store.sessions.revoke_family(stored.family_id)
                self._ending.record(store, [session_key(stored.family_id)])
                return stored.family_id  # committed, then refused
            user = store.users.by_id(stored.user_id)
            if user is None:
                raise _invalid_refresh()
            store.sessions.mark_rotated(stored.id)
            fresh = tokens.refresh_token(user.id, family_id=stored.family_id)
            store.sessions.add(fresh)
            return user, fresh

        outcome = self.unit_of_work.run(work)
        if isinstance(outcome, str):
            if outcome != seen_reused:  # a concurrent use rotated it between the read and the transaction
                self._ending.mirror([session_key(outcome)])
            log.warning("refresh token reused; session ended", extra={"fields": {"sessionId": outcome}})
            raise _invalid_refresh()
        return self._session(tokens, *outcome)

    def log_out(self, session_id: str | None) -> None:
        """End the session (the refresh-token family) the access token was issued for: its tokens write no more."""
        if not session_id:
            return
        keys = [session_key(session_id)]
        self._ending.mirror(keys)

        def work(store: AuthStore) -> None:
            store.sessions.revoke_family(session_id)
            self._ending.record(store, keys)

        self.unit_of_work.run(work)

    def delete_account(self, user_id: str) -> None:
        """Delete the account and its sessions, and publish `user.deleted` so every domain erases its data.

        Before answering, every token of the account is recorded as dead in both stores, so
        no domain accepts a write with one while `user.deleted` is on its way (and after).
        Deleting an account that is already gone changes nothing more.
        """
        keys = [user_key(user_id)]
        self._ending.mirror(keys)  # first: once the account is gone, no domain may take its writes

        def work(store: AuthStore) -> None:
            if store.users.delete(user_id):
                store.outbox.add(Event.new("user.deleted", user_id=user_id, data={"userId": user_id}))
            self._ending.record(store, keys)

        self.unit_of_work.run(work)


# Each throttled attempt first deletes up to this many expired throttle rows: whoever writes to the
# table keeps it to the keys still counting (plus a shrinking remainder), with no job to schedule.
PURGE_BATCH = 20


def first_refused(
    store: AuthStore, rules: tuple[ThrottleRule, ...], keys: dict[str, str]
) -> tuple[ThrottleRule, Reservation] | None:
    """Count one attempt under each rule in order; the first rule that refuses (later ones count nothing), or None."""
    store.throttle.purge_expired(PURGE_BATCH)
    for rule in rules:
        reservation = store.throttle.reserve(keys[rule.kind], rule)
        if not reservation.allowed:
            return rule, reservation
    return None


class SessionEnder:
    """Records ended sessions (wellness.platform.revocation): in the auth transaction, and mirrored to Firestore.

    The mirror is written first, outside the transaction: should the transaction then
    fail, a session is recorded as ended a little early (the client retries its log-out
    or deletion), never the other way round.
    """

    def __init__(self, mirror: Callable[[], RevocationWriter] | None, seconds: int, clock: Callable[[], dt.datetime]):
        self._mirror = mirror  # a factory: the Firestore client is built only by functions that end sessions
        self._seconds = seconds
        self._clock = clock

    def until(self) -> dt.datetime:
        return self._clock() + dt.timedelta(seconds=self._seconds)

    def mirror(self, keys: list[str]) -> None:
        if self._mirror is None:
            raise RuntimeError("this function ends sessions: wire it with revocations (auth.wiring)")
        if keys:
            self._mirror().revoke(keys, self.until())

    def record(self, store: AuthStore, keys: list[str]) -> None:
        store.revocations.revoke(keys, self.until())
