"""profile-on-user-created: one profile per user, however often user.created arrives."""

import base64
import json
import uuid

import pytest
from google.cloud.firestore_v1.base_query import FieldFilter

from wellness.platform.events import Event
from wellness.platform.subscriber import push_request

pytestmark = pytest.mark.functional


def test_three_deliveries_make_one_profile(load_function, firestore_db) -> None:
    client = load_function("profile-on-user-created")
    user_id = str(uuid.uuid4())
    event = Event.new(
        "user.created",
        user_id=user_id,
        data={"userId": user_id, "email": "p@example.com", "displayName": "Pia", "timezone": "Asia/Tokyo"},
    )
    assert [client.post("/", json=push_request(event)).status_code for _ in range(3)] == [204, 204, 204]
    db = firestore_db
    profile = db.collection("profiles").document(user_id).get().to_dict()
    assert (profile["displayName"], profile["timezone"], profile["bio"]) == ("Pia", "Asia/Tokyo", "")
    markers = list(db.collection("processedEvents").where(filter=FieldFilter("eventId", "==", event.id)).stream())
    assert len(markers) == 1


def test_a_poison_message_is_nacked(load_function) -> None:
    client = load_function("profile-on-user-created")
    bad = {"message": {"data": base64.b64encode(json.dumps({"id": "x"}).encode()).decode(), "messageId": "2"}}
    assert client.post("/", json=bad).status_code == 422


def test_a_deeply_nested_push_body_is_nacked_as_poison_and_answers_say_nosniff(load_function) -> None:
    client = load_function("profile-on-user-created")
    response = client.post("/", data=b"[" * 10_000 + b"]" * 10_000, content_type="application/json")
    assert response.status_code == 422
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
