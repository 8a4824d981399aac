"""Integration tests: one adapter at a time against the real PostgreSQL and emulators."""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator

import flask
import pytest

from wellness.platform.config import load_settings
from wellness.platform.events import Event
from wellness.platform.runtime import Runtime
from wellness.platform.subscriber import push_request

PROJECT = "wellness-test"


@pytest.fixture
def runtime_for(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[Callable[..., Runtime]]:
    """A Runtime on the real services; only the services a test names are started."""
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


def push_body(event: Event, message_id: str = "1") -> bytes:
    return json.dumps(push_request(event, message_id)).encode()


# One app for every delivery: building Flask apps in several threads at once trips a
# CPython 3.11 ast bug, and the app only provides the request context here.
_APP = flask.Flask(__name__)


def deliver(serve: Callable[[flask.Request], flask.Response], body: bytes) -> int:
    with _APP.test_request_context("/", method="POST", data=body, content_type="application/json"):
        return serve(flask.request).status_code


def user_created(**overrides: Any) -> Event:
    import uuid

    user_id = str(uuid.uuid4())
    data = {"userId": user_id, "email": f"{user_id[:8]}@example.com", "displayName": "Ada", "timezone": "UTC"}
    return Event.new("user.created", user_id=user_id, data={**data, **overrides})
