"""reporting-on-task-completed: one recorded completion per task and day, however often it is delivered."""

import base64
import json
import uuid

import pytest

from wellness.platform.subscriber import push_request
from wellness_testing.factories import task_completed

pytestmark = pytest.mark.functional


def test_recorded_once_for_its_local_day(load_function, sql) -> None:
    client = load_function("reporting-on-task-completed")
    user = str(uuid.uuid4())
    event = task_completed(user)
    assert [client.post("/", json=push_request(event)).status_code for _ in range(3)] == [204, 204, 204]
    again = task_completed(user)  # a second event, same task and day
    assert client.post("/", json=push_request(again)).status_code == 204
    rows = sql("SELECT task_id, date::text FROM reporting_completions WHERE user_id = :u", u=user)
    assert rows == [("mindful-7-d1", "2026-11-27")]
    assert sql("SELECT timezone FROM reporting_users WHERE user_id = :u", u=user) == [("Europe/Paris",)]


def test_an_event_that_fails_its_schema_is_422(load_function) -> None:
    body = task_completed().to_dict()
    body["data"]["day"] = 0
    message = {"message": {"data": base64.b64encode(json.dumps(body).encode()).decode()}}
    assert load_function("reporting-on-task-completed").post("/", json=message).status_code == 422
