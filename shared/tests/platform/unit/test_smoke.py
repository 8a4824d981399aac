"""The smoke lane: which events carry the smoke attribute, decided once and carried by the platform."""

import base64
import json
import uuid
from typing import Any

import flask
import pytest

from wellness.platform import smoke
from wellness.platform.config import load_settings
from wellness.platform.events import Event
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.identity import userinfo_header
from wellness.platform.outbox import event_message
from wellness.platform.runtime import Runtime
from wellness.platform.subscriber import subscriber
from wellness_testing.fakes import FakeState, FakeTransaction, FakeUnitOfWork

pytestmark = pytest.mark.unit

RUNTIME = Runtime(load_settings({"GOOGLE_CLOUD_PROJECT": "p", "FUNCTION_NAME": "unit"}))
APP = flask.Flask(__name__)
USER = str(uuid.uuid4())


def user_created(user_id: str = USER) -> Event:
    data = {"userId": user_id, "email": "a@b.co", "displayName": "A", "timezone": "UTC"}
    return Event.new("user.created", user_id=user_id, data=data)


made: list[Event] = []


@endpoint("profileGetMine", RUNTIME)
def makes_an_event(request: ApiRequest) -> ApiResponse:
    made.append(user_created(request.user_id))
    return ApiResponse(200, {})


def as_caller(claims: dict[str, Any]) -> Event:
    made.clear()
    with APP.test_request_context("/v1/me/profile", method="GET", headers=userinfo_header(claims)):
        assert makes_an_event(flask.request).status_code == 200
    (event,) = made
    return event


def test_only_a_token_signed_with_the_claim_puts_a_request_in_the_lane() -> None:
    assert as_caller({"sub": USER, "smoke": True}).smoke is True
    assert as_caller({"sub": USER}).smoke is False
    assert as_caller({"sub": USER, "smoke": "true"}).smoke is False  # only the boolean auth signs
    assert not smoke.in_lane()  # the lane ends with the request


def test_the_lane_travels_in_the_envelope_to_the_message_attribute() -> None:
    with smoke.lane(True):
        event = user_created()
    again = Event.from_json(event.to_json())
    assert again.smoke is True and again == event
    assert event_message(event.to_dict(), event.topic)[2][smoke.ATTRIBUTE] == "true"
    plain = user_created()
    assert "smoke" not in plain.to_dict() and smoke.ATTRIBUTE not in event_message(plain.to_dict(), plain.topic)[2]


def test_the_envelope_refuses_a_smoke_that_is_not_true() -> None:
    body = {**user_created().to_dict(), "smoke": False}
    with pytest.raises(Exception, match="envelope"):
        Event.from_dict(body)


def push(event: Event) -> bytes:
    """The push of the event as the outbox publishes it (its attributes say its lane)."""
    _, data, attributes = event_message(event.to_dict(), "topic")
    message = {"data": base64.b64encode(data).decode(), "attributes": attributes}
    return json.dumps({"message": message, "messageId": "1"}).encode()


def test_a_subscriber_handling_a_smoke_event_publishes_in_the_lane() -> None:
    uow = FakeUnitOfWork(FakeTransaction, FakeState())

    @subscriber("user.created", RUNTIME, uow)
    def republish(event: Event, store: FakeTransaction) -> None:
        store.outbox.add(Event.new("user.deleted", user_id=event.user_id, data={"userId": event.user_id}))

    for lane in (True, False):
        with smoke.lane(lane):
            event = user_created(str(uuid.uuid4()))
        with APP.test_request_context("/", method="POST", data=push(event), content_type="application/json"):
            assert republish(flask.request).status_code == 204
    assert [e.smoke for e in uow.published] == [True, False]


@pytest.mark.parametrize(
    ("subscription", "smoke_event", "applied"),
    [
        ("projects/p/subscriptions/s.live", False, True),
        ("projects/p/subscriptions/s.live", True, False),
        ("projects/p/subscriptions/s.candidate", True, True),
        ("projects/p/subscriptions/s.candidate", False, False),
        ("projects/p/subscriptions/s", True, False),  # the unfiltered live one of before the lanes
    ],
)
def test_a_message_from_the_other_lanes_subscription_is_acked_and_not_applied(
    subscription: str, smoke_event: bool, applied: bool
) -> None:
    uow = FakeUnitOfWork(FakeTransaction, FakeState())
    seen: list[str] = []

    @subscriber("user.created", RUNTIME, uow)
    def record(event: Event, store: FakeTransaction) -> None:
        seen.append(event.id)

    with smoke.lane(smoke_event):
        event = user_created(str(uuid.uuid4()))
    body = json.loads(push(event))
    body["subscription"] = subscription
    with APP.test_request_context("/", method="POST", data=json.dumps(body), content_type="application/json"):
        assert record(flask.request).status_code == 204
    assert seen == ([event.id] if applied else [])


@pytest.mark.parametrize(
    ("subscription", "status"),
    [("projects/p/subscriptions/s.live", 422), ("projects/p/subscriptions/s.candidate", 204)],
)
def test_a_poison_message_is_refused_by_its_own_lane_only(subscription: str, status: int) -> None:
    """Locally every message comes through both lanes: the other lane's copy must not dead-letter a second time."""
    uow = FakeUnitOfWork(FakeTransaction, FakeState())

    @subscriber("user.created", RUNTIME, uow)
    def record(event: Event, store: FakeTransaction) -> None:
        raise AssertionError("a poison message is never applied")

    body = {
        "message": {"data": base64.b64encode(b"not an event").decode(), "attributes": {}},
        "subscription": subscription,
    }
    with APP.test_request_context("/", method="POST", data=json.dumps(body), content_type="application/json"):
        assert record(flask.request).status_code == status
