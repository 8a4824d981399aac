"""reflection-delete removes the owner's reflection; anyone else gets 404 and changes nothing."""

import pytest

from wellness_testing.factories import as_user, new_user_id

pytestmark = pytest.mark.functional


def test_only_the_owner_deletes(load_function, firestore_db) -> None:
    client = load_function("reflection-delete")
    me = new_user_id()
    ref = firestore_db.document(f"users/{me}/reflections/r1")
    ref.set(
        {
            "id": "r1",
            "userId": me,
            "mood": 2,
            "text": "t",
            "tags": [],
            "taskId": None,
            "date": "2026-01-01",
            "timezone": "UTC",
            "createdAt": "2026-01-01T00:00:00.000000Z",
        }
    )
    assert client.delete("/v1/me/reflections/r1", headers=as_user(new_user_id())).status_code == 404
    assert ref.get().exists
    assert client.delete("/v1/me/reflections/r1", headers=as_user(me)).status_code == 204
    assert not ref.get().exists
    assert client.delete("/v1/me/reflections/r1", headers=as_user(me)).status_code == 404
