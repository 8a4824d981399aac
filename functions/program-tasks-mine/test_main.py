"""program-tasks-mine: the tasks due on a local day, one per active enrollment, with their state."""

import datetime as dt
import uuid

import pytest

from wellness.platform.identity import userinfo_header

pytestmark = pytest.mark.functional


def test_the_days_tasks_follow_the_enrollments(load_function, programs) -> None:
    client = load_function("program-tasks-mine", PUBLISH_AFTER_COMMIT="false")
    user = str(uuid.uuid4())
    service = programs
    started = dt.date.fromisoformat(service.enroll(user, "mindful-7")["startedOn"])
    service.enroll(user, "move-14")
    service.complete(user, "move-14-d1", started)
    headers = userinfo_header({"sub": user})

    today = client.get("/v1/me/tasks", headers=headers).get_json()
    assert today["date"] == started.isoformat()
    assert [(t["taskId"], t["day"], t["completed"]) for t in today["items"]] == [
        ("mindful-7-d1", 1, False),
        ("move-14-d1", 1, True),
    ]
    day_8 = (started + dt.timedelta(days=7)).isoformat()
    later = client.get(f"/v1/me/tasks?date={day_8}", headers=headers).get_json()
    assert [t["taskId"] for t in later["items"]] == ["move-14-d8"]  # mindful-7 has ended
    before = client.get(f"/v1/me/tasks?date={started - dt.timedelta(days=1)}", headers=headers).get_json()
    assert before["items"] == []
    assert client.get("/v1/me/tasks?date=2026-02-30", headers=headers).status_code == 400
