"""Builds the auth services from a function's runtime (the real adapters).

A function that issues tokens passes `signing_keys(runtime)`, which reads the keyset on
first use (then from the secret source's TTL cache): the function starts without it, and a
request that needs a secret that has no version yet answers 503 (`wellness.platform.http`)
until it has one. A first release creates the services before its secrets step gives the
secrets their first version (terraform/README.md), so a read at import would keep every
revision from becoming ready. The others (log-out, account deletion) are not granted the
secret and never read it.

    Usage::

        runtime = function_runtime("postgres", "pubsub")
        auth = auth_service(runtime, signing_keys(runtime))
"""

from __future__ import annotations

from typing import Callable

from ..platform.revocation import RevocationWriter
from ..platform.runtime import Runtime
from .jwks import PublicKeysSource
from .keys import KeysetSource
from .passwords import PasswordHasher
from .reset_tokens import RESET_KEY_SECRET, SMOKE_KEY_SECRET
from .resets import PasswordResetService
from .service import AuthService
from .settings import THROTTLE_KEY_SECRET, AuthSettings
from .tokens import TokenIssuer
from .verification import EmailVerificationService


def signing_keys(runtime: Runtime) -> KeysetSource:
    """The signing keyset of this instance, read when a request first needs it (again whenever the secret changes)."""
    return KeysetSource(runtime.secrets)


def public_keys(runtime: Runtime) -> PublicKeysSource:
    """The published verification keys (secret jwt-public-keys), read when a request first needs them."""
    return PublicKeysSource(runtime.secrets)


def throttle_secret(runtime: Runtime) -> Callable[[], bytes]:
    """The HMAC key of the throttle's keys (secret `throttle-key`), read at each use: the cache follows a rotation."""
    return lambda: runtime.secrets.get(THROTTLE_KEY_SECRET).encode()


def auth_service(runtime: Runtime, keys: KeysetSource | None = None) -> AuthService:
    """The auth service; without `keys` it signs nothing (sign-up, log-in and refresh then fail)."""
    from .adapters import PostgresAuthStore  # here, not above: auth-jwks uses this module without SQLAlchemy

    settings = AuthSettings.from_env(runtime.env)

    def tokens() -> TokenIssuer:
        if keys is None:
            raise RuntimeError("this function was wired without the signing keys: pass signing_keys(runtime)")
        return TokenIssuer(
            keys.keyset(),
            issuer=runtime.settings.jwt_issuer,
            audience=runtime.settings.jwt_audience,
            ttl_seconds=settings.access_token_ttl_seconds,
        )

    unit_of_work = runtime.postgres_unit_of_work(PostgresAuthStore)
    return AuthService(
        unit_of_work,
        hasher=PasswordHasher(),
        tokens=tokens,
        rules=settings.throttle_rules,
        throttle_secret=throttle_secret(runtime),
        revocations=_firestore_revocations(runtime),
        revocation_seconds=settings.revocation_seconds,
        signup_rules=settings.signup_rules,
        verification_ttl_seconds=settings.email_verification_ttl_seconds,
    )


def email_verification_service(runtime: Runtime) -> EmailVerificationService:
    """Confirms and re-sends verification links (the key: password-reset-key, with its own prefix).

    The smoke key is read only when a smoke token is confirmed (only auth-verify-email is granted it).
    """
    from .adapters import PostgresAuthStore

    settings = AuthSettings.from_env(runtime.env)
    return EmailVerificationService(
        runtime.postgres_unit_of_work(PostgresAuthStore),
        key=lambda: runtime.secrets.get(RESET_KEY_SECRET).encode(),
        ttl_seconds=settings.email_verification_ttl_seconds,
        throttle_secret=throttle_secret(runtime),
        smoke_key=lambda: runtime.secrets.get(SMOKE_KEY_SECRET).encode(),
        rules=settings.verification_rules,
    )


def _firestore_revocations(runtime: Runtime) -> Callable[[], RevocationWriter] | None:
    """The Firestore mirror of ended sessions, for the functions that end them (their catalog entry has firestore)."""
    if "firestore" not in runtime.needs:
        return None

    def writer() -> RevocationWriter:
        from ..platform.firestore.revocation import FirestoreRevocations

        return FirestoreRevocations(runtime.firestore)

    return writer


def password_reset_service(runtime: Runtime) -> PasswordResetService:
    from .adapters import PostgresAuthStore

    settings = AuthSettings.from_env(runtime.env)
    return PasswordResetService(
        runtime.postgres_unit_of_work(PostgresAuthStore),
        hasher=PasswordHasher(),
        key=lambda: runtime.secrets.get(RESET_KEY_SECRET).encode(),
        ttl_seconds=settings.password_reset_ttl_seconds,
        throttle_secret=throttle_secret(runtime),
        rules=settings.password_reset_rules,
        revocations=_firestore_revocations(runtime),
        revocation_seconds=settings.revocation_seconds,
    )
