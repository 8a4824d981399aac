"""The secrets port's contract (wellness.platform.secrets.SecretSource), on the fake and both real sources.

Functions read their keys through one port: `EnvSecrets` locally, `SecretManagerSecrets` in the
cloud, `FakeSecrets` in unit tests. The same cases run on all three; Secret Manager's are the
real client (its REST transport) against a stand-in of the API built from Google's reference
(`wellness_testing.secret_manager`: there is no emulator), so a fake or an adapter that answers
differently from the others fails here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from wellness.platform.secrets import EnvSecrets, SecretManagerSecrets, SecretNotFound, SecretSource
from wellness_testing.fakes import FakeSecrets
from wellness_testing.secret_manager import SecretManagerStandIn

PROJECT = "wellness-test"


@dataclass
class Backend:
    """A secret source and how to store a (new) value in what it reads."""

    source: SecretSource
    put: Callable[[str, str], None]


@pytest.fixture(
    params=[
        pytest.param("fake", marks=pytest.mark.unit),
        pytest.param("env", marks=pytest.mark.unit),
        pytest.param("secretmanager", marks=pytest.mark.integration),
    ]
)
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "fake":
        fake = FakeSecrets()
        yield Backend(fake, fake.set)
    elif request.param == "env":
        from wellness.platform.secrets import env_var_name

        env: dict[str, str] = {}
        yield Backend(EnvSecrets(env), lambda name, value: env.__setitem__(env_var_name(name), value))
    else:
        with SecretManagerStandIn() as standin:
            # ttl 0: every read asks Secret Manager, so a rotation shows at once, as in the other sources
            source = SecretManagerSecrets(PROJECT, ttl_seconds=0, client_factory=standin.client)
            yield Backend(source, lambda name, value: standin.add_version(PROJECT, name, value))


def test_a_stored_secret_is_read_back_exactly(backend: Backend) -> None:
    value = '{"keys": [{"kid": "k1", "d": "ключ 🔑"}]}'
    backend.put("jwt-signing-keys", value)
    assert backend.source.get("jwt-signing-keys") == value


def test_an_unknown_secret_is_secret_not_found_a_lookup_error(backend: Backend) -> None:
    backend.put("mail-api-key", "k")
    with pytest.raises(SecretNotFound) as raised:
        backend.source.get("smoke-key")
    assert isinstance(raised.value, LookupError) and "smoke-key" in str(raised.value)


def test_a_new_value_is_what_the_next_read_gets(backend: Backend) -> None:
    backend.put("mail-api-key", "first")
    assert backend.source.get("mail-api-key") == "first"
    backend.put("mail-api-key", "second")  # a rotation
    assert backend.source.get("mail-api-key") == "second"


def test_an_empty_secret_is_not_found(backend: Backend) -> None:
    backend.put("mail-api-key", "")
    with pytest.raises(SecretNotFound):
        backend.source.get("mail-api-key")


@pytest.mark.integration
def test_secret_manager_asks_the_api_once_per_ttl_and_serves_a_rotation_after_it() -> None:
    """What only the cloud source has: its cache, counted at the server."""
    from wellness_testing.clocks import ManualTimer

    timer = ManualTimer()
    with SecretManagerStandIn() as standin:
        standin.add_version(PROJECT, "jwt-signing-keys", "v1")
        source = SecretManagerSecrets(PROJECT, ttl_seconds=300, client_factory=standin.client, clock=timer)
        assert [source.get("jwt-signing-keys") for _ in range(3)] == ["v1"] * 3
        assert standin.accesses == 1
        standin.add_version(PROJECT, "jwt-signing-keys", "v2")
        assert source.get("jwt-signing-keys") == "v1"  # within its ttl: the cached value
        timer.advance(300)
        assert source.get("jwt-signing-keys") == "v2" and standin.accesses == 2
