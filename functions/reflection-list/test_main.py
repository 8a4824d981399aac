"""reflection-list pages the caller's own reflections, newest first."""

import pytest

from wellness.platform.paging import encode
from wellness_testing.factories import as_user, new_user_id

pytestmark = pytest.mark.functional


def test_pages_newest_first_and_only_mine(load_function, firestore_db) -> None:
    client = load_function("reflection-list")
    me, other = new_user_id(), new_user_id()
    for user, n in [(me, 1), (me, 2), (me, 3), (other, 9)]:
        doc = {
            "id": f"r{n}",
            "userId": user,
            "mood": 3,
            "text": "t",
            "tags": [],
            "taskId": None,
            "date": f"2026-01-0{n}",
            "timezone": "UTC",
            "createdAt": f"2026-01-0{n}T10:00:00.000000Z",
        }
        firestore_db.document(f"users/{user}/reflections/r{n}").set(doc)
    first = client.get("/v1/me/reflections?limit=2", headers=as_user(me)).get_json()
    assert [r["id"] for r in first["items"]] == ["r3", "r2"] and first["nextCursor"]
    rest = client.get(f"/v1/me/reflections?limit=2&cursor={first['nextCursor']}", headers=as_user(me))
    assert [r["id"] for r in rest.get_json()["items"]] == ["r1"] and rest.get_json()["nextCursor"] is None
    ranged = client.get("/v1/me/reflections?from=2026-01-02&to=2026-01-02", headers=as_user(me))
    assert [r["id"] for r in ranged.get_json()["items"]] == ["r2"]
    for garbage in ("nonsense", encode(["2026-01-02", "r2"]), encode([True, True, True])):
        bad = client.get(f"/v1/me/reflections?cursor={garbage}", headers=as_user(me))
        assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_cursor", garbage
