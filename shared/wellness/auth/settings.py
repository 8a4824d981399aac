"""The auth domain's settings: access-token lifetime, login and sign-up throttling, reset and verification links.

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
THROTTLE_KEY_SECRET = "throttle-key"  # noqa: S105 - a secret's name: the HMAC key of throttle keys (model.throttle_key)


def password_reset_url(env: Mapping[str, str]) -> str:
    """PASSWORD_RESET_URL: the page of the app a reset link opens (notifications reads it too, via public)."""
    return env_str(env, "PASSWORD_RESET_URL") or DEFAULT_RESET_URL


def email_verification_url(env: Mapping[str, str]) -> str:
    """EMAIL_VERIFICATION_URL: the app's page a verification link opens; by default beside the reset page.

    >>> email_verification_url({"PASSWORD_RESET_URL": "https://app.example/reset-password"})
    'https://app.example/verify-email'
    """
    explicit = env_str(env, "EMAIL_VERIFICATION_URL")
    if explicit:
        return explicit
    base = password_reset_url(env).rsplit("/", 1)[0]
    return f"{base}/verify-email"


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
    # Sign-up: attempts per client and per address in a window; how long a verification link works.
    signup_max_per_client: int = 20
    signup_max_per_address: int = 5
    signup_window_seconds: int = 3600
    email_verification_ttl_seconds: int = 172800
    # The mail-sending operations (password reset, verification resend): requests per address and per
    # client in a window.
    password_reset_max_per_address: int = 3
    password_reset_max_per_client: int = 20
    email_verification_max_per_address: int = 3
    email_verification_max_per_client: int = 20
    mail_window_seconds: int = 3600

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
            signup_max_per_client=env_int(env, "SIGNUP_MAX_PER_CLIENT", 20),
            signup_max_per_address=env_int(env, "SIGNUP_MAX_PER_ADDRESS", 5),
            signup_window_seconds=env_int(env, "SIGNUP_WINDOW_SECONDS", 3600),
            email_verification_ttl_seconds=env_int(env, "EMAIL_VERIFICATION_TTL_SECONDS", 172800),
            password_reset_max_per_address=env_int(env, "PASSWORD_RESET_MAX_PER_ADDRESS", 3),
            password_reset_max_per_client=env_int(env, "PASSWORD_RESET_MAX_PER_CLIENT", 20),
            email_verification_max_per_address=env_int(env, "EMAIL_VERIFICATION_MAX_PER_ADDRESS", 3),
            email_verification_max_per_client=env_int(env, "EMAIL_VERIFICATION_MAX_PER_CLIENT", 20),
            mail_window_seconds=env_int(env, "MAIL_WINDOW_SECONDS", 3600),
        )

    @property
    def signup_rules(self) -> tuple[ThrottleRule, ThrottleRule]:
        """(per address, per client): attempts in the window; past the limit, 429 until the window ends."""
        window = self.signup_window_seconds
        return (
            ThrottleRule("signup-account", self.signup_max_per_address, window, window),
            ThrottleRule("signup-client", self.signup_max_per_client, window, window),
        )

    @property
    def password_reset_rules(self) -> tuple[ThrottleRule, ThrottleRule]:
        """(per client, per address): the client's first, so a refused client spends nothing of the address's.

        >>> [rule.kind for rule in AuthSettings.from_env({}).password_reset_rules]
        ['reset-client', 'reset-account']
        """
        window = self.mail_window_seconds
        return (
            ThrottleRule("reset-client", self.password_reset_max_per_client, window, window),
            ThrottleRule("reset-account", self.password_reset_max_per_address, window, window),
        )

    @property
    def verification_rules(self) -> tuple[ThrottleRule, ThrottleRule]:
        """(per client, per address) for re-sent verification links."""
        window = self.mail_window_seconds
        return (
            ThrottleRule("verify-client", self.email_verification_max_per_client, window, window),
            ThrottleRule("verify-account", self.email_verification_max_per_address, window, window),
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
