"""reporting-on-task-completed: one recorded completion per task and day, however often it is delivered."""

import base64
import json
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


def test_recorded_once_for_its_local_day(load_function, sql) -> None:
    client = load_function("reporting-on-task-completed")
    user = str(uuid.uuid4())
    event = completed(user)
    assert [client.post("/", json=push_request(event)).status_code for _ in range(3)] == [204, 204, 204]
    assert client.post("/", json=push_request(completed(user))).status_code == 204  # a second event, same task and day
    rows = sql("SELECT task_id, date::text FROM reporting_completions WHERE user_id = :u", u=user)
    assert rows == [("mindful-7-d1", "2026-11-27")]
    assert sql("SELECT timezone FROM reporting_users WHERE user_id = :u", u=user) == [("Europe/Paris",)]


def test_an_event_that_fails_its_schema_is_422(load_function) -> None:
    body = completed(str(uuid.uuid4())).to_dict()
    body["data"]["day"] = 0
    message = {"message": {"data": base64.b64encode(json.dumps(body).encode()).decode()}}
    assert load_function("reporting-on-task-completed").post("/", json=message).status_code == 422
