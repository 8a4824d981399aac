import logging
import threading
import time
import types

import pytest

from wellness.platform.config import load_settings
from wellness.platform.secrets import (
    EnvSecrets,
    SecretError,
    SecretManagerSecrets,
    SecretNotFound,
    env_var_name,
    secret_source,
)
from wellness_testing.clocks import ManualTimer
from wellness_testing.fakes import FakeSecrets

pytestmark = pytest.mark.unit

TTL = 300.0


class FakeClient:
    """Stands in for SecretManagerServiceClient.access_secret_version."""

    def __init__(self, values: dict[str, str], delay: float = 0.0) -> None:
        self.values = values
        self.delay = delay
        self.calls: list[str] = []
        self.error: Exception | None = None

    def access_secret_version(self, *, name: str, timeout: float | None = None):
        self.calls.append(name)
        time.sleep(self.delay)
        if self.error is not None:
            raise self.error
        secret = name.split("/")[3]
        return types.SimpleNamespace(payload=types.SimpleNamespace(data=self.values[secret].encode()))


class NotFound(Exception):
    code = 404  # as google.api_core.exceptions.NotFound


@pytest.fixture
def clock():
    return ManualTimer()


@pytest.fixture
def client():
    return FakeClient({"jwt-signing-keys": "v1"})


@pytest.fixture
def source(client, clock):
    return SecretManagerSecrets("demo", ttl_seconds=TTL, client_factory=lambda: client, clock=clock)


def test_reads_the_latest_version_and_caches_it_within_the_ttl(source, client, clock):
    assert source.get("jwt-signing-keys") == "v1"
    clock.advance(TTL - 1)
    client.values["jwt-signing-keys"] = "v2"

    assert source.get("jwt-signing-keys") == "v1"
    assert client.calls == ["projects/demo/secrets/jwt-signing-keys/versions/latest"]


def test_refetches_after_the_ttl_so_a_rotation_is_picked_up(source, client, clock):
    source.get("jwt-signing-keys")
    client.values["jwt-signing-keys"] = "v2"
    clock.advance(TTL)

    assert source.get("jwt-signing-keys") == "v2"
    assert len(client.calls) == 2


def test_the_client_is_created_lazily_and_once(clock):
    made = []

    def factory():
        made.append(FakeClient({"a": "1", "b": "2"}))
        return made[-1]

    source = SecretManagerSecrets("demo", ttl_seconds=TTL, client_factory=factory, clock=clock)
    assert made == []
    source.get("a")
    source.get("b")
    assert len(made) == 1


def test_serves_the_stale_value_within_grace_and_logs_a_warning(source, client, clock, caplog):
    source.get("jwt-signing-keys")
    client.error = ConnectionError("unavailable")
    clock.advance(3 * TTL - 1)

    with caplog.at_level(logging.WARNING, logger="wellness.platform.secrets"):
        assert source.get("jwt-signing-keys") == "v1"

    (record,) = caplog.records
    assert "jwt-signing-keys" in record.getMessage() and "ConnectionError" in record.getMessage()
    assert "v1" not in record.getMessage()


def test_raises_once_the_grace_period_is_over_and_recovers_after(source, client, clock):
    source.get("jwt-signing-keys")
    client.error = ConnectionError("unavailable")
    clock.advance(3 * TTL)

    with pytest.raises(SecretError, match="jwt-signing-keys") as raised:
        source.get("jwt-signing-keys")
    assert isinstance(raised.value.__cause__, ConnectionError)

    client.error = None
    client.values["jwt-signing-keys"] = "v2"
    assert source.get("jwt-signing-keys") == "v2"


def test_a_failure_without_a_cached_value_raises(source, client):
    client.error = NotFound("secret not found")
    with pytest.raises(SecretNotFound, match="mail-api-key"):
        source.get("mail-api-key")

    client.error = PermissionError("denied")
    with pytest.raises(SecretError) as raised:
        source.get("mail-api-key")
    assert not isinstance(raised.value, SecretNotFound)


def test_concurrent_readers_share_one_fetch(clock):
    client = FakeClient({"jwt-signing-keys": "v1"}, delay=0.05)
    source = SecretManagerSecrets("demo", ttl_seconds=TTL, client_factory=lambda: client, clock=clock)
    barrier = threading.Barrier(8)
    results: list[str] = []

    def read() -> None:
        barrier.wait()
        results.append(source.get("jwt-signing-keys"))

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == ["v1"] * 8 and len(client.calls) == 1


def test_rejects_names_that_are_not_secret_names(source, client):
    with pytest.raises(ValueError, match="invalid secret name"):
        source.get("../other-project/secrets/x")
    assert client.calls == []


def test_env_secrets_reads_secret_name_upper_cased_with_underscores(monkeypatch):
    monkeypatch.setenv("SECRET_JWT_SIGNING_KEYS", "from-env")
    assert env_var_name("jwt-signing-keys") == "SECRET_JWT_SIGNING_KEYS"
    assert EnvSecrets().get("jwt-signing-keys") == "from-env"
    assert EnvSecrets({"SECRET_MAIL_API_KEY": "k"}).get("mail-api-key") == "k"


@pytest.mark.parametrize("env", [{}, {"SECRET_MAIL_API_KEY": ""}])
def test_env_secrets_missing_names_the_variable(env):
    with pytest.raises(SecretNotFound, match="SECRET_MAIL_API_KEY"):
        EnvSecrets(env).get("mail-api-key")


def test_fake_secrets_serve_set_and_miss():
    fake = FakeSecrets({"a": "1"})
    fake.set("a", "2")
    assert fake.get("a") == "2" and fake.reads == 1
    with pytest.raises(SecretNotFound):
        fake.get("b")


def test_no_repr_reveals_a_value(source, monkeypatch):
    monkeypatch.setenv("SECRET_A", "hunter2-env")
    env = EnvSecrets()
    env.get("a")
    source.get("jwt-signing-keys")
    fake = FakeSecrets({"a": "hunter2-fake"})

    assert "hunter2" not in repr(env) + repr(fake)
    assert "v1" not in repr(source) and "jwt-signing-keys" in repr(source)
    assert repr(fake) == "FakeSecrets(names=['a'])"


def test_secret_source_picks_the_backend():
    base = {"GOOGLE_CLOUD_PROJECT": "demo", "FUNCTION_NAME": "auth-login"}

    assert isinstance(secret_source(load_settings({**base, "SECRETS_BACKEND": "env"})), EnvSecrets)
    cloud = secret_source(load_settings({**base, "SECRETS_BACKEND": "secretmanager", "SECRETS_TTL_SECONDS": "60"}))
    assert isinstance(cloud, SecretManagerSecrets)
    assert (cloud.project_id, cloud.ttl_seconds) == ("demo", 60.0)
