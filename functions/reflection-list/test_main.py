"""reflection-list pages the caller's own reflections, newest first."""

import uuid

import pytest

from wellness.platform.identity import userinfo_header

pytestmark = pytest.mark.functional


def test_pages_newest_first_and_only_mine(load_function, firestore_db) -> None:
    client = load_function("reflection-list")
    me, other = str(uuid.uuid4()), str(uuid.uuid4())
    for user, n in [(me, 1), (me, 2), (me, 3), (other, 9)]:
        doc = {"id": f"r{n}", "userId": user, "mood": 3, "text": "t", "tags": [], "taskId": None,
               "date": f"2026-01-0{n}", "timezone": "UTC", "createdAt": f"2026-01-0{n}T10:00:00.000000Z"}  # fmt: skip
        firestore_db.document(f"users/{user}/reflections/r{n}").set(doc)
    first = client.get("/v1/me/reflections?limit=2", headers=userinfo_header({"sub": me})).get_json()
    assert [r["id"] for r in first["items"]] == ["r3", "r2"] and first["nextCursor"]
    rest = client.get(f"/v1/me/reflections?limit=2&cursor={first['nextCursor']}", headers=userinfo_header({"sub": me}))
    assert [r["id"] for r in rest.get_json()["items"]] == ["r1"] and rest.get_json()["nextCursor"] is None
    ranged = client.get("/v1/me/reflections?from=2026-01-02&to=2026-01-02", headers=userinfo_header({"sub": me}))
    assert [r["id"] for r in ranged.get_json()["items"]] == ["r2"]
    bad = client.get("/v1/me/reflections?cursor=nonsense", headers=userinfo_header({"sub": me}))
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_cursor"
