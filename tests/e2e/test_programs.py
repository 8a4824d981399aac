"""Programs and reports end to end: enroll, do today's task, see the streak; poison and deletion through Pub/Sub."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from typing import Any

import pytest

from wellness.platform.events import Event

from .conftest import Api, eventually

pytestmark = pytest.mark.e2e

ZONE = "Asia/Tokyo"


def local_today() -> str:
    return dt.datetime.now(zoneinfo.ZoneInfo(ZONE)).date().isoformat()


def summary(api: Api, token: str) -> dict[str, Any]:
    response = api.call("GET", "/v1/me/reports/summary", token)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def publisher(local_stack: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    from google.cloud import pubsub_v1  # type: ignore[attr-defined]

    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", local_stack.env["PUBSUB_EMULATOR_HOST"])
    return pubsub_v1.PublisherClient()


def enrolled_user(api: Api) -> tuple[str, str]:
    """(user id, token) of a new user in Tokyo, enrolled in mindful-7 once the program domain knows the zone."""
    session = api.sign_up(timezone=ZONE)
    token = session["accessToken"]
    # user.created reaches the program domain a moment after sign-up; until then its "today" is UTC's.
    eventually(lambda: api.call("GET", "/v1/me/tasks", token).json()["date"] == local_today(), timeout=10)
    assert api.call("POST", "/v1/programs/mindful-7/enrollments", token).status_code == 201
    return session["user"]["id"], token


def test_enroll_complete_today_and_the_summary_shows_the_streak(api: Api) -> None:
    programs = api.call("GET", "/v1/programs?limit=100", api.sign_up()["accessToken"]).json()
    assert len(programs["items"]) >= 3 and programs["nextCursor"] is None
    _, token = enrolled_user(api)
    again = api.call("POST", "/v1/programs/mindful-7/enrollments", token)
    assert again.status_code == 409

    today = api.call("GET", "/v1/me/tasks", token).json()
    assert today["date"] == local_today()
    assert [(t["taskId"], t["completed"]) for t in today["items"]] == [("mindful-7-d1", False)]
    done = api.call("POST", "/v1/me/tasks/mindful-7-d1/completions", token)
    assert done.status_code == 201, done.text
    repeat = api.call("POST", "/v1/me/tasks/mindful-7-d1/completions", token, json={"date": local_today()})
    assert repeat.status_code == 200 and repeat.json() == done.json()
    assert api.call("GET", "/v1/me/tasks", token).json()["items"][0]["completed"] is True

    report = eventually(lambda: (s := summary(api, token))["tasksCompleted"] == 1 and s, timeout=5)
    assert (report["currentStreak"], report["longestStreak"], report["today"]) == (1, 1, local_today())
    daily = api.call("GET", f"/v1/me/reports/daily?from={local_today()}&to={local_today()}", token).json()
    assert daily["items"][0]["tasksCompleted"] == 1


def test_user_deleted_erases_enrollments_and_reports(api: Api, local_stack: Any, publisher: Any) -> None:
    user_id, token = enrolled_user(api)
    assert api.call("POST", "/v1/me/tasks/mindful-7-d1/completions", token).status_code == 201
    eventually(lambda: summary(api, token)["tasksCompleted"] == 1, timeout=5)
    event = Event.new("user.deleted", user_id=user_id, data={"userId": user_id})
    topic = publisher.topic_path(local_stack.env["GOOGLE_CLOUD_PROJECT"], "user.deleted")
    publisher.publish(topic, event.to_json(), eventId=event.id).result(timeout=10)
    eventually(lambda: summary(api, token)["tasksCompleted"] == 0, timeout=10)
    eventually(lambda: api.call("GET", "/v1/me/enrollments", token).json()["items"] == [], timeout=10)


def test_a_poison_task_completed_is_dead_lettered_and_blocks_nothing(
    api: Api, local_stack: Any, publisher: Any
) -> None:
    from google.cloud import pubsub_v1  # type: ignore[attr-defined]

    project = local_stack.env["GOOGLE_CLOUD_PROJECT"]
    poison = f'{{"id": "{uuid.uuid4()}", "type": "task.completed"}}'.encode()  # an envelope that fails its schema
    publisher.publish(publisher.topic_path(project, "task.completed"), poison).result(timeout=10)

    _, token = enrolled_user(api)  # a completion right behind it still reaches the report
    assert api.call("POST", "/v1/me/tasks/mindful-7-d1/completions", token).status_code == 201
    eventually(lambda: summary(api, token)["currentStreak"] == 1, timeout=10)

    subscriber = pubsub_v1.SubscriberClient()
    hold = subscriber.subscription_path(project, "reporting-on-task-completed.dead-letter.hold")

    def dead_lettered() -> Any:
        response = subscriber.pull(subscription=hold, max_messages=20, timeout=5)
        if response.received_messages:
            subscriber.acknowledge(subscription=hold, ack_ids=[m.ack_id for m in response.received_messages])
        return next((m.message for m in response.received_messages if m.message.data == poison), None)

    message = eventually(dead_lettered, timeout=90, interval=1)  # 5 attempts with 1-60 s backoff
    assert message.attributes["CloudPubSubDeadLetterSourceDeliveryCount"] == "5"
