"""reflection-get answers the owner only; anyone else gets 404."""

import pytest

from wellness_testing.factories import as_user, new_user_id

pytestmark = pytest.mark.functional


def test_owner_reads_and_others_get_404(load_function, firestore_db) -> None:
    client = load_function("reflection-get")
    me = new_user_id()
    doc = {
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
    firestore_db.document(f"users/{me}/reflections/r1").set(doc)
    assert client.get("/v1/me/reflections/r1", headers=as_user(me)).get_json()["mood"] == 2
    other = client.get("/v1/me/reflections/r1", headers=as_user(new_user_id()))
    assert other.status_code == 404
