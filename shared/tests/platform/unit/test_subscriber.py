"""Both delivery shapes (raw Pub/Sub push, Eventarc CloudEvent) decode to the same event."""

import base64
import json
import uuid

import pytest

from wellness.platform.events import Event, InvalidEventError
from wellness.platform.subscriber import decode

pytestmark = pytest.mark.unit

EVENT = Event.new(
    "user.created",
    user_id="u",
    data={"userId": str(uuid.uuid4()), "email": "a@b.co", "displayName": "A", "timezone": "UTC"},
)
MESSAGE = {"data": base64.b64encode(EVENT.to_json()).decode(), "attributes": {"eventId": EVENT.id}, "messageId": "42"}
PUSH = {"message": MESSAGE, "subscription": "projects/p/subscriptions/s"}


def test_raw_push_envelope() -> None:
    event, attributes, message_id = decode(json.dumps(PUSH).encode(), "application/json")
    assert (event, attributes["eventId"], message_id) == (EVENT, EVENT.id, "42")


def test_cloudevent_binary_mode_carries_the_push_envelope_as_body() -> None:
    event, _, _ = decode(json.dumps(PUSH).encode(), "application/json")
    assert event == EVENT


def test_cloudevent_structured_mode() -> None:
    structured = {"specversion": "1.0", "type": "google.cloud.pubsub.topic.v1.messagePublished", "data": PUSH}
    event, _, message_id = decode(json.dumps(structured).encode(), "application/cloudevents+json; charset=utf-8")
    assert (event, message_id) == (EVENT, "42")


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"{}",
        json.dumps({"message": {"data": "***"}}).encode(),
        json.dumps({"message": {"data": base64.b64encode(b'{"id": 1}').decode()}}).encode(),
    ],
)
def test_poison_messages_are_invalid(body: bytes) -> None:
    with pytest.raises(InvalidEventError):
        decode(body, "application/json")
