"""Builds the auth service from a function's runtime (the real adapters)."""

from __future__ import annotations

from ..runtime import Runtime
from .passwords import PasswordHasher
from .service import AuthService
from .store import PostgresAuthUnitOfWork
from .tokens import TokenIssuer


def auth_service(runtime: Runtime) -> AuthService:
    settings = runtime.settings

    def unit_of_work() -> PostgresAuthUnitOfWork:
        return PostgresAuthUnitOfWork(
            runtime.engine, after_commit=runtime.publish_now if settings.publish_after_commit else None
        )

    def tokens() -> TokenIssuer:
        return TokenIssuer(
            runtime.keyset(),
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl_seconds=settings.access_token_ttl_seconds,
        )

    return AuthService(unit_of_work=unit_of_work, hasher=PasswordHasher(), tokens=tokens)
