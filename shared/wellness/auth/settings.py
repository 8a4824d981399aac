"""The auth domain's settings: access-token lifetime, login throttling, password-reset links.

Read once per instance when the wiring runs (at import, so a malformed value fails the
cold start with its name). Token issuer and audience are the platform's (the gateway
checks them too).

    >>> settings = AuthSettings.from_env({"LOGIN_MAX_FAILURES_ACCOUNT": "3"})
    >>> settings.throttle_rules[0]
    ThrottleRule(kind='account', max_failures=3, window_seconds=900, lockout_seconds=900)
    >>> settings.access_token_ttl_seconds, settings.password_reset_url
    (900, 'https://app.wellness.invalid/reset-password')
"""

from __future__ import annotations

import dataclasses
from typing import Mapping

from ..platform.config import env_int, env_str
from .model import ThrottleRule

DEFAULT_RESET_URL = "https://app.wellness.invalid/reset-password"  # noqa: S105 - a page, not a secret


def password_reset_url(env: Mapping[str, str]) -> str:
    """PASSWORD_RESET_URL: the page of the app a reset link opens (notifications reads it too, via public)."""
    return env_str(env, "PASSWORD_RESET_URL") or DEFAULT_RESET_URL


@dataclasses.dataclass(frozen=True)
class AuthSettings:
    access_token_ttl_seconds: int
    # Login throttling: failures per account and per client in a window, then a lockout.
    login_max_failures_account: int
    login_max_failures_client: int
    login_window_seconds: int
    login_lockout_seconds: int
    # Password reset: how long a mailed link works, and the page of the app it opens.
    password_reset_ttl_seconds: int
    password_reset_url: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> AuthSettings:
        return cls(
            access_token_ttl_seconds=env_int(env, "ACCESS_TOKEN_TTL_SECONDS", 900),
            login_max_failures_account=env_int(env, "LOGIN_MAX_FAILURES_ACCOUNT", 5),
            login_max_failures_client=env_int(env, "LOGIN_MAX_FAILURES_CLIENT", 50),
            login_window_seconds=env_int(env, "LOGIN_WINDOW_SECONDS", 900),
            login_lockout_seconds=env_int(env, "LOGIN_LOCKOUT_SECONDS", 900),
            password_reset_ttl_seconds=env_int(env, "PASSWORD_RESET_TTL_SECONDS", 3600),
            password_reset_url=password_reset_url(env),
        )

    @property
    def revocation_seconds(self) -> int:
        """How long an ended session stays recorded: while any access token of it may still be presented.

        The gateway and JwksVerifier allow 60 s of clock skew; 300 s more is margin.
        """
        return self.access_token_ttl_seconds + 360

    @property
    def throttle_rules(self) -> tuple[ThrottleRule, ThrottleRule]:
        """(per account, per client): both share the window and the lockout."""
        window, lockout = self.login_window_seconds, self.login_lockout_seconds
        return (
            ThrottleRule("account", self.login_max_failures_account, window, lockout),
            ThrottleRule("client", self.login_max_failures_client, window, lockout),
        )
