"""Fixtures of the library's tests: a Runtime on the real services, for one adapter at a time."""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest

from wellness.platform.config import load_settings
from wellness.platform.runtime import Runtime

PROJECT = "wellness-test"


@pytest.fixture
def runtime_for(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[Callable[..., Runtime]]:
    """A Runtime on the real services; only the services a test names are started.

    runtime_for("postgres", "pubsub", PUBLISH_AFTER_COMMIT="false") also sets those settings.
    """
    built: list[Runtime] = []

    def make(*stores: str, **env: str) -> Runtime:
        values = {"GOOGLE_CLOUD_PROJECT": PROJECT, "FUNCTION_NAME": env.pop("FUNCTION_NAME", "integration-test")}
        if "postgres" in stores:
            values["DATABASE_URL"] = request.getfixturevalue("postgres_url")
        if "pubsub" in stores:
            monkeypatch.setenv("PUBSUB_EMULATOR_HOST", request.getfixturevalue("pubsub_emulator"))
        if "firestore" in stores:
            monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", request.getfixturevalue("firestore_emulator"))
        runtime = Runtime(load_settings({**values, **env}))
        built.append(runtime)
        return runtime

    yield make
    for runtime in built:
        if "engine" in runtime.__dict__:
            runtime.engine.dispose()


# The port contract suites (shared/tests/<domain>/ports/): each case runs against the fake (a unit test) and
# against the real adapter (an integration test), so a fake that drifts from its adapter fails.
@pytest.fixture(
    params=[
        pytest.param("fake", marks=pytest.mark.unit, id="fake"),
        pytest.param("real", marks=pytest.mark.integration, id="real"),
    ]
)
def backend(request: pytest.FixtureRequest) -> str:
    """Which side of a port contract this case runs on: "fake" or "real"."""
    return str(request.param)


@pytest.fixture
def contract_uow(backend: str, runtime_for: Callable[..., Runtime]) -> Callable[..., Any]:
    """contract_uow(fake, store, RealStore): `fake()` on the fake side; on the real side, a unit of work of
    `RealStore` on the real `store` ("postgres" or "firestore"), publishing nothing after its commits."""

    def make(fake: Callable[[], Any], store: str, real: type) -> Any:
        if backend == "fake":
            return fake()
        runtime = runtime_for(store, PUBLISH_AFTER_COMMIT="false")
        if store == "postgres":
            return runtime.postgres_unit_of_work(real)
        return runtime.firestore_unit_of_work(real)

    return make
