"""Events through the real emulators: duplicates change nothing, and Pub/Sub being down loses nothing."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from wellness.platform.events import Event
from wellness_api_client.api.profile import profile_get_mine
from wellness_api_client.models import Profile

from .conftest import SignUp, eventually, ok

pytestmark = pytest.mark.e2e


@pytest.fixture
def stack_clients(local_stack: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    from google.cloud import firestore, pubsub_v1  # type: ignore[attr-defined]

    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", local_stack.env["PUBSUB_EMULATOR_HOST"])
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", local_stack.env["FIRESTORE_EMULATOR_HOST"])
    project = local_stack.env["GOOGLE_CLOUD_PROJECT"]
    return pubsub_v1.PublisherClient(), firestore.Client(project=project)


def test_the_same_user_created_delivered_three_times_makes_one_profile(
    local_stack: Any, stack_clients: tuple[Any, Any]
) -> None:
    from google.cloud.firestore_v1.base_query import FieldFilter

    publisher, db = stack_clients
    user_id = str(uuid.uuid4())
    data = {"userId": user_id, "email": f"{user_id[:8]}@example.com", "displayName": "Tri", "timezone": "UTC"}
    event = Event.new("user.created", user_id=user_id, data=data)
    topic = publisher.topic_path(local_stack.env["GOOGLE_CLOUD_PROJECT"], "user.created")
    for _ in range(3):  # three publishes: three Pub/Sub messages with one event id
        publisher.publish(topic, event.to_json(), eventId=event.id).result(timeout=10)

    profile = db.collection("profiles").document(user_id)
    created = eventually(lambda: profile.get().to_dict(), timeout=10)
    markers = db.collection("processedEvents").where(filter=FieldFilter("eventId", "==", event.id))
    time.sleep(2)  # let the other two deliveries land
    assert len(list(markers.stream())) == 1
    assert profile.get().to_dict() == created


def test_with_pubsub_down_signup_still_succeeds_and_the_profile_follows(sign_up: SignUp, local_stack: Any) -> None:
    local_stack.stop_pubsub()
    try:
        me = sign_up(verified=False, display_name="Offline").client  # no mail comes while Pub/Sub is down
        time.sleep(2)  # a relay run or two happen meanwhile, and fail
        assert profile_get_mine.sync_detailed(client=me).status_code == 404  # the event waits in the outbox
    finally:
        local_stack.start_pubsub()
    answer = eventually(lambda: (r := profile_get_mine.sync_detailed(client=me)).status_code == 200 and r, timeout=60)
    assert ok(answer, Profile).display_name == "Offline"


def test_a_poison_message_ends_in_the_dead_letter_topic_and_blocks_nothing(
    sign_up: SignUp, local_stack: Any, stack_clients: tuple[Any, Any]
) -> None:
    from google.cloud import pubsub_v1  # type: ignore[attr-defined]

    publisher, _ = stack_clients
    project = local_stack.env["GOOGLE_CLOUD_PROJECT"]
    poison = f"not an event {uuid.uuid4().hex}".encode()
    publisher.publish(publisher.topic_path(project, "user.created"), poison).result(timeout=10)

    # Messages behind it still flow: a sign-up right after gets its profile.
    me = sign_up().client
    eventually(lambda: profile_get_mine.sync_detailed(client=me).status_code == 200, timeout=10)

    subscriber = pubsub_v1.SubscriberClient()
    hold = subscriber.subscription_path(project, "profile-on-user-created.dead-letter.hold")

    def dead_lettered() -> Any:
        response = subscriber.pull(subscription=hold, max_messages=20, timeout=5)
        if response.received_messages:
            subscriber.acknowledge(subscription=hold, ack_ids=[m.ack_id for m in response.received_messages])
        return next((m.message for m in response.received_messages if m.message.data == poison), None)

    message = eventually(dead_lettered, timeout=90, interval=1)  # 5 attempts with 1-60 s backoff
    assert message.attributes["CloudPubSubDeadLetterSourceDeliveryCount"] == "5"
