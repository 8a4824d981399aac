"""Deliver an event to a subscriber function in-process, as a Pub/Sub push would.

>>> from wellness.platform.config import load_settings
>>> from wellness.platform.runtime import Runtime
>>> from wellness.platform.subscriber import subscriber
>>> from wellness_testing.factories import user_created
>>> from wellness_testing.fakes import FakeState, FakeTransaction, FakeUnitOfWork
>>> runtime = Runtime(load_settings({"GOOGLE_CLOUD_PROJECT": "p", "FUNCTION_NAME": "profile-on-user-created"}))
>>> applied = []
>>> @subscriber("user.created", runtime, FakeUnitOfWork(FakeTransaction, FakeState()))
... def handler(event, store):
...     applied.append(event.id)
>>> body = push_body(user_created())
>>> deliver(handler, body), deliver(handler, body), len(applied)   # both acked; the duplicate changes nothing
(204, 204, 1)
"""

from __future__ import annotations

import json
from typing import Callable

import flask

from wellness.platform.events import Event
from wellness.platform.subscriber import push_request

# One app for every delivery: building Flask apps in several threads at once trips a
# CPython 3.11 ast bug, and the app only provides the request context here.
_APP = flask.Flask(__name__)


def push_body(event: Event, message_id: str = "1") -> bytes:
    """The raw push request body Pub/Sub sends for this event."""
    return json.dumps(push_request(event, message_id)).encode()


def deliver(serve: Callable[[flask.Request], flask.Response], body: bytes) -> int:
    """POST `body` to a subscriber's handler (what `@subscriber` returns); the status it answers."""
    with _APP.test_request_context("/", method="POST", data=body, content_type="application/json"):
        return int(serve(flask.request).status_code)
