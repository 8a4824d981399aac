"""Builds the auth services from a function's runtime (the real adapters)."""

from __future__ import annotations

from ..runtime import Runtime
from .model import ThrottleRule
from .passwords import PasswordHasher
from .reset_tokens import RESET_KEY_SECRET
from .resets import PasswordResetService
from .service import AuthService
from .store import PostgresAuthUnitOfWork
from .tokens import TokenIssuer


def _unit_of_work(runtime: Runtime) -> PostgresAuthUnitOfWork:
    after = runtime.publish_now if runtime.settings.publish_after_commit else None
    return PostgresAuthUnitOfWork(runtime.engine, after_commit=after)


def auth_service(runtime: Runtime) -> AuthService:
    settings = runtime.settings

    def tokens() -> TokenIssuer:
        return TokenIssuer(
            runtime.keyset(),
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl_seconds=settings.access_token_ttl_seconds,
        )

    window, lockout = settings.login_window_seconds, settings.login_lockout_seconds
    rules = (
        ThrottleRule("account", settings.login_max_failures_account, window, lockout),
        ThrottleRule("client", settings.login_max_failures_client, window, lockout),
    )
    return AuthService(unit_of_work=lambda: _unit_of_work(runtime), hasher=PasswordHasher(), tokens=tokens, rules=rules)


def password_reset_service(runtime: Runtime) -> PasswordResetService:
    return PasswordResetService(
        unit_of_work=lambda: _unit_of_work(runtime),
        hasher=PasswordHasher(),
        key=lambda: runtime.secrets.get(RESET_KEY_SECRET).encode(),
        ttl_seconds=runtime.settings.password_reset_ttl_seconds,
    )
