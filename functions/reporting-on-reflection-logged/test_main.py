"""reporting-on-reflection-logged: the mood of each reflection, once."""

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


def test_recorded_once(load_function, sql) -> None:
    client = load_function("reporting-on-reflection-logged")
    user = str(uuid.uuid4())
    event = logged(user, mood=2)
    assert [client.post("/", json=push_request(event)).status_code for _ in range(2)] == [204, 204]
    assert sql("SELECT mood FROM reporting_reflections WHERE user_id = :u", u=user) == [(2,)]
