"""Secrets behind one port, with a TTL cache for Secret Manager.

`secret_source(settings)` returns EnvSecrets locally (env SECRET_<NAME>) and
SecretManagerSecrets in the cloud (latest version, cached for the TTL so a rotation
is picked up without a redeploy). The unit-test double is wellness_testing.fakes.FakeSecrets.

Values are never logged and never shown by repr(); only secret names are.

    >>> source = EnvSecrets({"SECRET_JWT_SIGNING_KEYS": '{"keys": []}'})
    >>> source.get("jwt-signing-keys")
    '{"keys": []}'
    >>> source
    EnvSecrets()
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .config import Settings

logger = logging.getLogger(__name__)

_NAME = re.compile(r"[A-Za-z0-9_-]{1,255}")  # Secret Manager's own rule; also keeps names out of the resource path
GRACE_TTLS = 3  # how many TTLs past its fetch a value may still be served while Secret Manager is failing


class SecretError(RuntimeError):
    """A secret could not be read."""


class SecretNotFound(SecretError, LookupError):
    """No such secret (or it is empty)."""


class SecretSource(Protocol):
    """Where secrets come from.

    >>> def jwks(secrets: SecretSource) -> str:
    ...     return secrets.get("jwt-signing-keys")
    """

    def get(self, name: str) -> str: ...


def env_var_name(name: str) -> str:
    """The environment variable EnvSecrets reads for a secret.

    >>> env_var_name("jwt-signing-keys")
    'SECRET_JWT_SIGNING_KEYS'
    """
    return "SECRET_" + name.upper().replace("-", "_")


class EnvSecrets:
    """Secrets from environment variables SECRET_<NAME> (local runs and tests).

    >>> EnvSecrets({"SECRET_MAIL_API_KEY": "k"}).get("mail-api-key")
    'k'
    """

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self._env = env

    def get(self, name: str) -> str:
        variable = env_var_name(name)
        value = (os.environ if self._env is None else self._env).get(variable)
        if not value:
            raise SecretNotFound(f"secret {name!r}: environment variable {variable} is not set")
        return value

    def __repr__(self) -> str:
        return "EnvSecrets()"


class SecretManagerSecrets:
    """Latest versions from Secret Manager, each cached for ttl_seconds; thread-safe.

    If a refresh fails, the last good value is served (with a warning) until it is
    GRACE_TTLS × ttl_seconds old, so a Secret Manager blip does not fail requests.

    >>> from types import SimpleNamespace
    >>> from wellness_testing.clocks import ManualTimer
    >>> fetched = []
    >>> class Client:   # Secret Manager's access_secret_version, answering like the real client
    ...     def access_secret_version(self, name, timeout):
    ...         fetched.append(name)
    ...         return SimpleNamespace(payload=SimpleNamespace(data=b"keyset"))
    >>> timer = ManualTimer()
    >>> secrets = SecretManagerSecrets("my-project", ttl_seconds=300, client_factory=Client, clock=timer)
    >>> secrets.get("jwt-signing-keys"), secrets.get("jwt-signing-keys"), len(fetched)   # the second is cached
    ('keyset', 'keyset', 1)
    >>> timer.advance(300)
    >>> secrets.get("jwt-signing-keys"), fetched[-1]   # a ttl later it is fetched again
    ('keyset', 'projects/my-project/secrets/jwt-signing-keys/versions/latest')
    """

    def __init__(
        self,
        project_id: str,
        ttl_seconds: float,
        client_factory: Callable[[], Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
        timeout_seconds: float = 10.0,
    ) -> None:
        self.project_id = project_id
        self.ttl_seconds = ttl_seconds
        self._client_factory = client_factory or _default_client
        self._clock = clock
        self._timeout = timeout_seconds
        self._client: Any = None
        self._cache: dict[str, tuple[str, float]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> str:
        if not _NAME.fullmatch(name):
            raise ValueError(f"invalid secret name {name!r}")
        cached = self._fresh(name)
        if cached is not None:
            return cached
        with self._lock:
            name_lock = self._locks.setdefault(name, threading.Lock())
        # One fetch per name at a time: threads that waited find the value refreshed.
        with name_lock:
            cached = self._fresh(name)
            return cached if cached is not None else self._refresh(name)

    def _fresh(self, name: str) -> str | None:
        entry = self._cache.get(name)
        if entry is not None and self._clock() - entry[1] < self.ttl_seconds:
            return entry[0]
        return None

    def _refresh(self, name: str) -> str:
        path = f"projects/{self.project_id}/secrets/{name}/versions/latest"
        try:
            response = self._get_client().access_secret_version(name=path, timeout=self._timeout)
            value = str(response.payload.data.decode("utf-8"))
        except Exception as exc:  # noqa: BLE001 - any failure may fall back to the last good value
            entry = self._cache.get(name)
            age = self._clock() - entry[1] if entry is not None else None
            if entry is not None and age is not None and age < GRACE_TTLS * self.ttl_seconds:
                logger.warning(
                    "refreshing secret %s failed (%s); serving the value fetched %.0fs ago",
                    name,
                    type(exc).__name__,
                    age,
                )
                return entry[0]
            if getattr(exc, "code", None) == 404:  # google.api_core NotFound, without importing it
                raise SecretNotFound(f"secret {name!r} has no enabled version in project {self.project_id}") from exc
            raise SecretError(f"could not read secret {name!r}: {type(exc).__name__}") from exc
        if not value:  # an empty version is no key: what EnvSecrets answers for an empty variable
            raise SecretNotFound(f"secret {name!r}: its latest version in project {self.project_id} is empty")
        self._cache[name] = (value, self._clock())
        return value

    def _get_client(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = self._client_factory()
            return self._client

    def __repr__(self) -> str:
        return f"SecretManagerSecrets(project_id={self.project_id!r}, cached={sorted(self._cache)})"


def secret_source(settings: Settings) -> SecretSource:
    """The SecretSource that settings.secrets_backend names ("env" or "secretmanager").

    >>> from wellness.platform.config import load_settings
    >>> env = {"GOOGLE_CLOUD_PROJECT": "p", "FUNCTION_NAME": "auth-login"}
    >>> secret_source(load_settings({**env, "SECRETS_BACKEND": "env"}))
    EnvSecrets()
    >>> secret_source(load_settings({**env, "SECRETS_BACKEND": "secretmanager"}))
    SecretManagerSecrets(project_id='p', cached=[])
    """
    if settings.secrets_backend == "env":
        return EnvSecrets()
    if settings.secrets_backend == "secretmanager":
        return SecretManagerSecrets(settings.project_id, settings.secrets_ttl_seconds)
    raise ValueError(f"unknown secrets backend {settings.secrets_backend!r}: expected env or secretmanager")


def _default_client() -> Any:
    # Imported here: the client pulls in gRPC and protobuf, which only the cloud path needs.
    from google.cloud import secretmanager

    return secretmanager.SecretManagerServiceClient()
