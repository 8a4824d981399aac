"""E-mail verification: a single-use, expiring link by mail, like the reset link; then the account may post.

Sign-up records a verification and `email.verification_requested` together (AuthService);
notifications mails `<verificationId>.<HMAC-SHA256(password-reset-key, "email-verification:"
+ id)>` (auth.reset_tokens), so no credential is stored or published. Confirming marks
the account verified; access tokens issued from then on (log-in, refresh) carry
`email_verified: true`, which community checks before anyone posts, comments, reacts or
reports. The app refreshes its session after confirming.

    >>> from wellness.auth.reset_tokens import verification_token
    >>> from wellness_testing.fakes.auth import RESET_KEY, fake_auth_service, fake_verification_service
    >>> auth, uow = fake_auth_service()
    >>> session = auth.sign_up(email="ada@example.com", password="correct horse battery", display_name="Ada",
    ...                        timezone="UTC")
    >>> verifications, _ = fake_verification_service(uow)
    >>> verification_id = uow.events("email.verification_requested")[0].data["verificationId"]
    >>> verifications.confirm(verification_token(RESET_KEY, verification_id))
    >>> auth.refresh(session.refresh_token).user.email_verified
    True

The release smoke's accounts (an address in the reserved `.invalid` smoke domain,
wellness.platform.smoke) get no mail in the cloud, so the smoke confirms the same link with a
token vouched for by another key, `smoke-key`, which only the deployer and this function can
read (`smoke.<verificationId>.<HMAC-SHA256(smoke-key, "smoke-email-verification:" + id)>`,
auth.reset_tokens). Such a token is taken only for an account whose address is in the smoke
domain; for any other it is the same 400 as any bad link, and nothing changes. The link's
expiry and single use hold either way. Why that is safe: README, "Deploying".
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Callable

from ..platform import metrics
from ..platform.clock import utc_now
from ..platform.errors import ConflictError, NotFoundError, TooManyRequestsError, ValidationError
from ..platform.events import Event
from ..platform.ports import UnitOfWork
from ..platform.smoke import is_smoke_address
from .model import EmailVerification, ThrottleRule, throttle_keys
from .ports import AuthStore
from .reset_tokens import is_smoke_verification_token, parse_smoke_verification_token, parse_verification_token
from .service import first_refused

log = logging.getLogger(__name__)


def _smoke_account(store: AuthStore, user_id: str) -> bool:
    user = store.users.by_id(user_id)
    return user is not None and is_smoke_address(user.email)


def _invalid() -> ValidationError:
    return ValidationError("invalid_verification_token", "The verification link is invalid or has expired.")


class EmailVerificationService:
    def __init__(
        self,
        unit_of_work: UnitOfWork[AuthStore],
        *,
        key: Callable[[], bytes],
        ttl_seconds: int,
        throttle_secret: Callable[[], bytes],
        smoke_key: Callable[[], bytes] | None = None,
        rules: tuple[ThrottleRule, ...] = (),
        clock: Callable[[], dt.datetime] = utc_now,
    ):
        self.unit_of_work = unit_of_work
        self._smoke_key = smoke_key  # read only for a smoke token; None: no smoke token is taken
        self._throttle_secret = throttle_secret
        self._rules = rules  # (per client, per address): AuthSettings.verification_rules
        self._key = key  # a factory: the secret may rotate between requests
        self._ttl = dt.timedelta(seconds=ttl_seconds)
        self._clock = clock

    def confirm(self, token: str) -> None:
        """Mark the account verified and spend every outstanding link of it; 400 for a bad, used or expired link."""
        smoke = is_smoke_verification_token(token)
        verification_id = self._smoke_token_id(token) if smoke else parse_verification_token(self._key(), token)
        if verification_id is None:
            raise _invalid()

        def work(store: AuthStore) -> str:
            verification = store.verifications.by_id(verification_id)
            if verification is None or not verification.usable(self._clock()):
                raise _invalid()
            if smoke and not _smoke_account(store, verification.user_id):
                raise _invalid()  # the smoke key vouches for smoke addresses only
            store.users.mark_verified(verification.user_id)
            store.verifications.use_all(verification.user_id)
            return verification.user_id

        user_id = self.unit_of_work.run(work)
        log.info("e-mail verified", extra={"fields": {"userId": user_id}})

    def _smoke_token_id(self, token: str) -> str | None:
        if self._smoke_key is None:
            return None
        return parse_smoke_verification_token(self._smoke_key(), token)

    def resend(self, user_id: str, client: str = "") -> None:
        """A new link for an unverified account (the newest LINKS_KEPT_PER_USER links work until they expire).

        Throttled per client and per address (429 with Retry-After): the caller is the
        account's owner, so saying the address's limit is spent tells nobody anything new.
        """
        secret = self._throttle_secret()

        def work(store: AuthStore) -> None:
            user = store.users.by_id(user_id)
            if user is None:
                raise NotFoundError("not_found", "No such account.")
            if user.email_verified:
                raise ConflictError("already_verified", "This e-mail address is already verified.")
            keys = throttle_keys(secret, self._rules, address=user.email, client=client)
            refused = first_refused(store, self._rules, keys)
            if refused is not None:  # rolled back: a refused request counts toward nothing
                metrics.throttled("email_verification")
                raise TooManyRequestsError(
                    "too_many_requests", "Too many verification mails; try again later.", refused[1].retry_after
                )
            verification = EmailVerification(str(uuid.uuid4()), user.id, self._clock() + self._ttl)
            store.verifications.add(verification)
            data = verification.requested_event_data(user)
            store.outbox.add(Event.new("email.verification_requested", user_id=user.id, data=data))

        self.unit_of_work.run(work)
