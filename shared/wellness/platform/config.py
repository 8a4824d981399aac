"""The platform's settings: read from the environment once per instance, failing fast.

A function declares what it needs; a missing variable fails at import (cold start),
with a message that names it, instead of at the first request. Each domain reads its
own settings (login throttling, mail, ...) in its `settings.py` with the `env_*`
readers here, when its wiring runs, also at import.

    >>> import os
    >>> os.environ.update(GOOGLE_CLOUD_PROJECT="demo", FUNCTION_NAME="auth-jwks")
    >>> load_settings().project_id
    'demo'
"""

from __future__ import annotations

import dataclasses
import os
from typing import Mapping

ENVIRONMENTS = ("local", "test", "qa", "prod")
CLOUD_OTLP_ENDPOINT = "https://telemetry.googleapis.com:443"
MIN_METRICS_INTERVAL_SECONDS = 5.0


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
    # Access tokens, as the gateway checks them (and the functions, with verify_forwarded_token).
    jwt_issuer: str
    jwt_audience: str
    # Telemetry. Traces: none | file | console | otlp; metrics: none | otlp. Both go over
    # OTLP/gRPC to otlp_endpoint (Google's Telemetry API in the cloud, the stack's receiver locally).
    trace_exporter: str
    trace_file: str | None
    # Outbox: how long one publish may take before the row is left pending.
    publish_timeout_seconds: float
    publish_after_commit: bool
    max_body_bytes: int
    # Outages: every unit of work against a store ends within store_deadline_seconds (503 after);
    # the prompt publish after a commit waits at most prompt_publish_timeout_seconds, and after a
    # failure skips Pub/Sub for prompt_publish_cooldown_seconds (the relay publishes meanwhile).
    store_deadline_seconds: float = 5.0
    prompt_publish_timeout_seconds: float = 0.5
    prompt_publish_cooldown_seconds: float = 30.0
    # Defence in depth: verify the bearer token the gateway forwards (against the JWKS), not only its userinfo.
    verify_forwarded_token: bool = False
    jwks_uri: str | None = None
    metrics_exporter: str = "none"
    otlp_endpoint: str = CLOUD_OTLP_ENDPOINT
    trace_sample_ratio: float = 1.0  # parent-based: a caller's sampled flag wins
    metrics_interval_seconds: float = 15.0  # one stream may be written at most every 5-10 s
    telemetry_flush_seconds: float = 1.0  # the most an answer waits for its spans to leave
    # Idempotency-Key: how long a key answers the same (24 h, as the app's retries need), and how long a
    # claim may run before another request with the key may take it over (above any function's timeout).
    idempotency_ttl_seconds: float = 86400.0
    idempotency_lease_seconds: float = 60.0
    # Published outbox rows are deleted after this long (7 days: as long as Pub/Sub itself keeps a message).
    outbox_retention_seconds: float = 604800.0
    # X-Forwarded-For entries appended by proxies after the one that saw the client (see http.client_ip).
    trusted_proxy_hops: int = 0

    def require(self, *names: str) -> Settings:
        """Fail now unless each named field has a value.

        >>> settings = load_settings({"GOOGLE_CLOUD_PROJECT": "p", "FUNCTION_NAME": "journal-create"})
        >>> settings.require("database_url")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        wellness.platform.config.SettingsError: setting database_url is required here: set DATABASE_URL (...)
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
    "jwks_uri": "JWT_JWKS_URI",
    "otlp_endpoint": "OTLP_ENDPOINT",
}


def env_str(env: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    """The variable's value; an empty one counts as unset."""
    return env.get(name) or default


def env_required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name)
    if not value:
        raise SettingsError(f"environment variable {name} is required")
    return value


def env_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    try:
        return int(raw) if raw else default
    except ValueError:
        raise SettingsError(f"environment variable {name} must be an integer, got {raw!r}") from None


def env_float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    try:
        return float(raw) if raw else default
    except ValueError:
        raise SettingsError(f"environment variable {name} must be a number, got {raw!r}") from None


def env_choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.get(name) or default
    if value not in choices:
        raise SettingsError(f"environment variable {name} must be one of {choices}, got {value!r}")
    return value


def env_flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    """A "true"/"false" variable."""
    return env_choice(env, name, "true" if default else "false", ("true", "false")) == "true"


def is_cloud(env: Mapping[str, str]) -> bool:
    """Whether APP_ENV names a cloud environment (qa, prod), where the cloud backends are the defaults."""
    return env_choice(env, "APP_ENV", "local", ENVIRONMENTS) in ("qa", "prod")


def _ratio(env: Mapping[str, str], name: str, default: float) -> float:
    value = env_float(env, name, default)
    if not 0.0 <= value <= 1.0:
        raise SettingsError(f"environment variable {name} must be between 0 and 1, got {value}")
    return value


def _at_least(env: Mapping[str, str], name: str, default: float, minimum: float) -> float:
    value = env_float(env, name, default)
    if value < minimum:
        raise SettingsError(f"environment variable {name} must be at least {minimum:g}, got {value:g}")
    return value


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read every setting from the environment (os.environ by default)."""
    env = os.environ if env is None else env
    environment = env_choice(env, "APP_ENV", "local", ENVIRONMENTS)
    cloud = is_cloud(env)
    return Settings(
        project_id=env_required(env, "GOOGLE_CLOUD_PROJECT"),
        function_name=env.get("FUNCTION_NAME") or env.get("K_SERVICE") or env_required(env, "FUNCTION_NAME"),
        environment=environment,
        log_level=env_choice(env, "LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
        database_url=env_str(env, "DATABASE_URL"),
        cloud_sql_instance=env_str(env, "CLOUD_SQL_INSTANCE"),
        database_user=env_str(env, "DB_USER"),
        database_name=env_str(env, "DB_NAME"),
        database_pool_size=env_int(env, "DB_POOL_SIZE", 2),
        secrets_backend=env_choice(
            env, "SECRETS_BACKEND", "secretmanager" if cloud else "env", ("env", "secretmanager")
        ),
        secrets_ttl_seconds=env_float(env, "SECRETS_TTL_SECONDS", 300.0),
        jwt_issuer=env_str(env, "JWT_ISSUER", "wellness-local") or "",
        jwt_audience=env_str(env, "JWT_AUDIENCE", "wellness-app") or "",
        trace_exporter=env_choice(
            env, "TRACE_EXPORTER", "otlp" if cloud else "none", ("none", "file", "console", "otlp")
        ),
        trace_file=env_str(env, "TRACE_FILE"),
        metrics_exporter=env_choice(env, "METRICS_EXPORTER", "otlp" if cloud else "none", ("none", "otlp")),
        otlp_endpoint=env_str(env, "OTLP_ENDPOINT", CLOUD_OTLP_ENDPOINT) or CLOUD_OTLP_ENDPOINT,
        trace_sample_ratio=_ratio(env, "TRACE_SAMPLE_RATIO", 1.0),
        metrics_interval_seconds=_at_least(env, "METRICS_INTERVAL_SECONDS", 15.0, MIN_METRICS_INTERVAL_SECONDS),
        telemetry_flush_seconds=_at_least(env, "TELEMETRY_FLUSH_SECONDS", 1.0, 0.05),
        publish_timeout_seconds=env_float(env, "PUBLISH_TIMEOUT_SECONDS", 5.0),
        publish_after_commit=env_flag(env, "PUBLISH_AFTER_COMMIT", True),
        max_body_bytes=env_int(env, "MAX_BODY_BYTES", 64 * 1024),
        store_deadline_seconds=env_float(env, "STORE_DEADLINE_SECONDS", 5.0),
        prompt_publish_timeout_seconds=env_float(env, "PROMPT_PUBLISH_TIMEOUT_SECONDS", 0.5),
        prompt_publish_cooldown_seconds=env_float(env, "PROMPT_PUBLISH_COOLDOWN_SECONDS", 30.0),
        verify_forwarded_token=env_flag(env, "VERIFY_FORWARDED_TOKEN", False),
        jwks_uri=env_str(env, "JWT_JWKS_URI"),
        idempotency_ttl_seconds=env_float(env, "IDEMPOTENCY_TTL_SECONDS", 86400.0),
        idempotency_lease_seconds=env_float(env, "IDEMPOTENCY_LEASE_SECONDS", 60.0),
        trusted_proxy_hops=env_int(env, "TRUSTED_PROXY_HOPS", 0),
        outbox_retention_seconds=env_float(env, "OUTBOX_RETENTION_SECONDS", 604800.0),
    )
