"""reflection-on-user-deleted erases every reflection of the user, however often it is delivered."""

import base64
import uuid

import pytest

from wellness.platform.events import Event

pytestmark = pytest.mark.functional


def test_erases_all_and_is_repeatable(load_function, firestore_db) -> None:
    client = load_function("reflection-on-user-deleted")
    user_id = str(uuid.uuid4())
    for n in range(3):
        firestore_db.document(f"users/{user_id}/reflections/r{n}").set({"id": f"r{n}"})
    event = Event.new("user.deleted", user_id=user_id, data={"userId": user_id})
    push = {"message": {"data": base64.b64encode(event.to_json()).decode(), "messageId": "1"}}
    assert [client.post("/", json=push).status_code for _ in range(2)] == [204, 204]
    assert list(firestore_db.collection(f"users/{user_id}/reflections").stream()) == []
