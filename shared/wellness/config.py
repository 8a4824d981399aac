"""Settings: read from the environment once per instance, failing fast.

A function declares what it needs; a missing variable fails at import (cold start),
with a message that names it, instead of at the first request.

    >>> import os
    >>> os.environ.update(GOOGLE_CLOUD_PROJECT="demo", FUNCTION_NAME="auth-jwks")
    >>> load_settings().project_id
    'demo'
"""

from __future__ import annotations

import dataclasses
import os
from typing import Mapping


class SettingsError(RuntimeError):
    """A required setting is missing or malformed."""


@dataclasses.dataclass(frozen=True)
class Settings:
    project_id: str
    function_name: str
    environment: str  # local | test | qa | prod
    log_level: str
    # Postgres: a URL locally, a Cloud SQL instance (IAM auth) in the cloud.
    database_url: str | None
    cloud_sql_instance: str | None
    database_user: str | None
    database_name: str | None
    database_pool_size: int
    # Secrets: "env" reads SECRET_<NAME>, "secretmanager" reads Secret Manager.
    secrets_backend: str
    secrets_ttl_seconds: float
    # Access tokens.
    jwt_issuer: str
    jwt_audience: str
    access_token_ttl_seconds: int
    # Tracing: none | file | console | gcp.
    trace_exporter: str
    trace_file: str | None
    # Outbox: how long one publish may take before the row is left pending.
    publish_timeout_seconds: float
    publish_after_commit: bool
    max_body_bytes: int
    # Login throttling (auth): failures per account and per client in a window, then a lockout.
    login_max_failures_account: int = 5
    login_max_failures_client: int = 50
    login_window_seconds: int = 900
    login_lockout_seconds: int = 900
    # Password reset: how long a mailed link works, and the page of the app it opens.
    password_reset_ttl_seconds: int = 3600
    password_reset_url: str = "https://app.wellness.invalid/reset-password"  # noqa: S105 - a page, not a secret
    # Mail (notifications): "smtp" (local sink) or "mailjet" (cloud; key from Secret Manager).
    mail_backend: str = "smtp"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    mail_from: str = "Wellness <no-reply@wellness.invalid>"
    mailjet_url: str = "https://api.mailjet.com/v3.1/send"
    # Defence in depth: verify the bearer token the gateway forwards, not only its userinfo header.
    verify_forwarded_token: bool = False

    def require(self, *names: str) -> Settings:
        """Fail now unless each named field has a value.

        >>> settings.require("database_url")  # doctest: +SKIP
        """
        for name in names:
            if getattr(self, name) in (None, ""):
                raise SettingsError(f"setting {name} is required here: set {_ENV_NAMES[name]}")
        return self

    @property
    def uses_postgres(self) -> bool:
        return bool(self.database_url or self.cloud_sql_instance)


_ENV_NAMES = {
    "project_id": "GOOGLE_CLOUD_PROJECT",
    "function_name": "FUNCTION_NAME",
    "database_url": "DATABASE_URL (or CLOUD_SQL_INSTANCE)",
    "cloud_sql_instance": "CLOUD_SQL_INSTANCE",
    "database_user": "DB_USER",
    "database_name": "DB_NAME",
    "jwt_issuer": "JWT_ISSUER",
    "jwt_audience": "JWT_AUDIENCE",
    "trace_file": "TRACE_FILE",
}


def _get(env: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    """The variable's value; an empty one counts as unset."""
    return env.get(name) or default


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name)
    if not value:
        raise SettingsError(f"environment variable {name} is required")
    return value


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    try:
        return int(raw) if raw else default
    except ValueError:
        raise SettingsError(f"environment variable {name} must be an integer, got {raw!r}") from None


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    try:
        return float(raw) if raw else default
    except ValueError:
        raise SettingsError(f"environment variable {name} must be a number, got {raw!r}") from None


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.get(name) or default
    if value not in choices:
        raise SettingsError(f"environment variable {name} must be one of {choices}, got {value!r}")
    return value


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read every setting from the environment (os.environ by default)."""
    env = os.environ if env is None else env
    environment = _choice(env, "APP_ENV", "local", ("local", "test", "qa", "prod"))
    cloud = environment in ("qa", "prod")
    return Settings(
        project_id=_required(env, "GOOGLE_CLOUD_PROJECT"),
        function_name=env.get("FUNCTION_NAME") or env.get("K_SERVICE") or _required(env, "FUNCTION_NAME"),
        environment=environment,
        log_level=_choice(env, "LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
        database_url=_get(env, "DATABASE_URL"),
        cloud_sql_instance=_get(env, "CLOUD_SQL_INSTANCE"),
        database_user=_get(env, "DB_USER"),
        database_name=_get(env, "DB_NAME"),
        database_pool_size=_int(env, "DB_POOL_SIZE", 2),
        secrets_backend=_choice(env, "SECRETS_BACKEND", "secretmanager" if cloud else "env", ("env", "secretmanager")),
        secrets_ttl_seconds=_float(env, "SECRETS_TTL_SECONDS", 300.0),
        jwt_issuer=_get(env, "JWT_ISSUER", "wellness-local") or "",
        jwt_audience=_get(env, "JWT_AUDIENCE", "wellness-app") or "",
        access_token_ttl_seconds=_int(env, "ACCESS_TOKEN_TTL_SECONDS", 900),
        trace_exporter=_choice(env, "TRACE_EXPORTER", "gcp" if cloud else "none", ("none", "file", "console", "gcp")),
        trace_file=_get(env, "TRACE_FILE"),
        publish_timeout_seconds=_float(env, "PUBLISH_TIMEOUT_SECONDS", 5.0),
        publish_after_commit=_choice(env, "PUBLISH_AFTER_COMMIT", "true", ("true", "false")) == "true",
        max_body_bytes=_int(env, "MAX_BODY_BYTES", 64 * 1024),
        login_max_failures_account=_int(env, "LOGIN_MAX_FAILURES_ACCOUNT", 5),
        login_max_failures_client=_int(env, "LOGIN_MAX_FAILURES_CLIENT", 50),
        login_window_seconds=_int(env, "LOGIN_WINDOW_SECONDS", 900),
        login_lockout_seconds=_int(env, "LOGIN_LOCKOUT_SECONDS", 900),
        password_reset_ttl_seconds=_int(env, "PASSWORD_RESET_TTL_SECONDS", 3600),
        password_reset_url=_get(env, "PASSWORD_RESET_URL", "https://app.wellness.invalid/reset-password") or "",
        mail_backend=_choice(env, "MAIL_BACKEND", "mailjet" if cloud else "smtp", ("smtp", "mailjet")),
        smtp_host=_get(env, "SMTP_HOST", "127.0.0.1") or "",
        smtp_port=_int(env, "SMTP_PORT", 1025),
        mail_from=_get(env, "MAIL_FROM", "Wellness <no-reply@wellness.invalid>") or "",
        mailjet_url=_get(env, "MAILJET_URL", "https://api.mailjet.com/v3.1/send") or "",
        verify_forwarded_token=_choice(env, "VERIFY_FORWARDED_TOKEN", "false", ("true", "false")) == "true",
    )
