"""reporting-on-user-deleted: the report data is erased, and events that arrive later are dropped."""

import uuid

import pytest

from wellness.platform.events import Event
from wellness.platform.subscriber import push_request

pytestmark = pytest.mark.functional


def completed(user: str, day: str = "2026-11-27", task: str = "mindful-7-d1") -> Event:
    data = {"userId": user, "taskId": task, "programId": "mindful-7", "day": 1, "date": day,
            "completedAt": f"{day}T08:00:00Z", "timezone": "Europe/Paris"}  # fmt: skip
    return Event.new("task.completed", user_id=user, data=data)


def logged(user: str, mood: int = 4, day: str = "2026-11-27") -> Event:
    data = {"userId": user, "reflectionId": uuid.uuid4().hex, "mood": mood, "taskId": None, "date": day,
            "loggedAt": f"{day}T20:00:00Z", "timezone": "Europe/Paris"}  # fmt: skip
    return Event.new("reflection.logged", user_id=user, data=data)


def test_erased_and_late_events_dropped(load_function, sql) -> None:
    client = load_function("reporting-on-user-deleted")
    user = str(uuid.uuid4())
    sql("INSERT INTO reporting_completions (user_id, task_id, date, completed_at) "
        "VALUES (:u, 'mindful-7-d1', '2026-11-27', now())", u=user)  # fmt: skip
    event = Event.new("user.deleted", user_id=user, data={"userId": user})
    assert [client.post("/", json=push_request(event)).status_code for _ in range(2)] == [204, 204]
    assert sql("SELECT count(*) FROM reporting_completions WHERE user_id = :u", u=user) == [(0,)]
    late = load_function("reporting-on-task-completed")
    assert late.post("/", json=push_request(completed(user))).status_code == 204
    assert sql("SELECT count(*) FROM reporting_completions WHERE user_id = :u", u=user) == [(0,)]
    assert sql("SELECT timezone FROM reporting_users WHERE user_id = :u", u=user) == [(None,)]
