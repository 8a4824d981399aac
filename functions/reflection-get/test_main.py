"""reflection-get answers the owner only; anyone else gets 404."""

import uuid

import pytest

from wellness.platform.identity import userinfo_header

pytestmark = pytest.mark.functional


def test_owner_reads_and_others_get_404(load_function, firestore_db) -> None:
    client = load_function("reflection-get")
    me = str(uuid.uuid4())
    doc = {"id": "r1", "userId": me, "mood": 2, "text": "t", "tags": [], "taskId": None, "date": "2026-01-01",
           "timezone": "UTC", "createdAt": "2026-01-01T00:00:00.000000Z"}  # fmt: skip
    firestore_db.document(f"users/{me}/reflections/r1").set(doc)
    assert client.get("/v1/me/reflections/r1", headers=userinfo_header({"sub": me})).get_json()["mood"] == 2
    other = client.get("/v1/me/reflections/r1", headers=userinfo_header({"sub": str(uuid.uuid4())}))
    assert other.status_code == 404
