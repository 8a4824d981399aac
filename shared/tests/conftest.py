"""Fixtures of the library's tests: a Runtime on the real services, for one adapter at a time."""

from __future__ import annotations

from typing import Callable, Iterator

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
