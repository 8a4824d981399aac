"""reflection-create stores the reflection and reflection.logged together; the text is never logged or traced."""

import logging
import uuid

import pytest

from wellness_testing.factories import as_user, new_user_id

pytestmark = pytest.mark.functional
SECRET = "my very private journal line " + uuid.uuid4().hex


def test_created_with_its_event_and_the_text_stays_private(load_function, firestore_db, tmp_path, caplog) -> None:
    trace_file = tmp_path / "spans.jsonl"
    client = load_function("reflection-create", TRACE_EXPORTER="file", TRACE_FILE=str(trace_file))
    user_id = new_user_id()
    firestore_db.collection("profiles").document(user_id).set(
        {
            "userId": user_id,
            "displayName": "Ada",
            "timezone": "Pacific/Auckland",
            "bio": "",
            "createdAt": "2026-01-01T00:00:00.000000Z",
            "updatedAt": "2026-01-01T00:00:00.000000Z",
        }
    )
    caplog.set_level(logging.DEBUG)
    body = {"mood": 4, "text": SECRET, "tags": ["calm"], "taskId": "mindful-7-d1"}
    response = client.post("/v1/me/reflections", json=body, headers=as_user(user_id))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert (created["mood"], created["text"], created["tags"], created["taskId"]) == (
        4,
        SECRET,
        ["calm"],
        "mindful-7-d1",
    )
    stored = firestore_db.document(f"users/{user_id}/reflections/{created['id']}").get().to_dict()
    assert stored["timezone"] == "Pacific/Auckland" and stored["date"] == created["date"]
    assert SECRET not in caplog.text
    assert not trace_file.exists() or SECRET not in trace_file.read_text()


@pytest.mark.parametrize(
    "body",
    [
        {"mood": 0, "text": "x"},
        {"mood": 6, "text": "x"},
        {"mood": 3, "text": "x" * 5001},
        {"mood": 3, "text": "x", "tags": [f"t{i}" for i in range(11)]},
        {"mood": 3},
        {"mood": 3, "text": "x", "extra": 1},
    ],
)
def test_bad_reflections_are_400(load_function, body) -> None:
    client = load_function("reflection-create")
    response = client.post("/v1/me/reflections", json=body, headers=as_user(new_user_id()))
    assert response.status_code == 400
