"""profile-on-user-deleted erases the profile, however often user.deleted arrives."""

import base64
import uuid

import pytest

from wellness.platform.events import Event

pytestmark = pytest.mark.functional


def test_erases_the_profile(load_function, firestore_db) -> None:
    client = load_function("profile-on-user-deleted")
    user_id = str(uuid.uuid4())
    firestore_db.collection("profiles").document(user_id).set({"userId": user_id, "displayName": "Gone"})
    event = Event.new("user.deleted", user_id=user_id, data={"userId": user_id})
    push = {"message": {"data": base64.b64encode(event.to_json()).decode(), "messageId": "1"}}
    assert [client.post("/", json=push).status_code for _ in range(2)] == [204, 204]
    assert not firestore_db.collection("profiles").document(user_id).get().exists
