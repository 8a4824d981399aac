"""program-enrollments-mine: only the caller's enrollments, a page at a time."""

import uuid

import pytest

from wellness.platform.identity import userinfo_header

pytestmark = pytest.mark.functional


def test_my_enrollments_in_pages_and_nobody_elses(load_function, programs) -> None:
    client = load_function("program-enrollments-mine")
    me, other = str(uuid.uuid4()), str(uuid.uuid4())
    service = programs
    for program in ("sleep-10", "mindful-7", "move-14"):
        service.enroll(me, program)
    first = client.get("/v1/me/enrollments?limit=2", headers=userinfo_header({"sub": me})).get_json()
    assert [e["programId"] for e in first["items"]] == ["mindful-7", "move-14"]
    rest = client.get(f"/v1/me/enrollments?cursor={first['nextCursor']}", headers=userinfo_header({"sub": me}))
    assert [e["programId"] for e in rest.get_json()["items"]] == ["sleep-10"] and rest.get_json()["nextCursor"] is None
    theirs = client.get("/v1/me/enrollments", headers=userinfo_header({"sub": other})).get_json()
    assert theirs == {"items": [], "nextCursor": None}
