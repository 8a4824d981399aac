"""program-complete-task: once per task and day, however often or concurrently it is asked, with one event."""

import datetime as dt
import threading
import uuid

import pytest
from sqlalchemy import create_engine, text

from wellness.platform.identity import userinfo_header

pytestmark = pytest.mark.functional


@pytest.fixture
def enrolled(programs):
    """A new user enrolled in mindful-7 today; returns (user id, start day)."""
    user = str(uuid.uuid4())
    started = programs.enroll(user, "mindful-7")["startedOn"]
    return user, dt.date.fromisoformat(started)


def events_for(postgres_url: str, user: str) -> list[dict]:
    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT payload FROM outbox WHERE payload->>'userId' = :u AND topic = 'task.completed'"), {"u": user}
        ).scalars()
        found = list(rows)
    engine.dispose()
    return found


def test_first_201_then_200_with_the_same_body_and_one_event(load_function, postgres_url, enrolled) -> None:
    client = load_function("program-complete-task", PUBLISH_AFTER_COMMIT="false")
    user, started = enrolled
    headers = userinfo_header({"sub": user})
    first = client.post("/v1/me/tasks/mindful-7-d1/completions", headers=headers)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["date"] == started.isoformat()
    again = client.post("/v1/me/tasks/mindful-7-d1/completions", headers=headers, json={"date": started.isoformat()})
    assert again.status_code == 200 and again.get_json() == first.get_json()
    [event] = events_for(postgres_url, user)
    assert event["data"] | {"completedAt": None} == {
        "userId": user,
        "taskId": "mindful-7-d1",
        "programId": "mindful-7",
        "day": 1,
        "date": started.isoformat(),
        "completedAt": None,
        "timezone": "UTC",
    }


def test_concurrent_completions_make_one_completion_and_one_event(load_function, postgres_url, enrolled) -> None:
    client = load_function("program-complete-task", PUBLISH_AFTER_COMMIT="false", DB_POOL_SIZE="6")
    user, _ = enrolled
    headers = userinfo_header({"sub": user})
    statuses: list[int] = []
    bodies: list[dict] = []

    def complete() -> None:
        response = client.post("/v1/me/tasks/mindful-7-d1/completions", headers=headers)
        statuses.append(response.status_code)
        bodies.append(response.get_json())

    threads = [threading.Thread(target=complete) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] * 5 + [201]
    assert all(body == bodies[0] for body in bodies)
    assert len(events_for(postgres_url, user)) == 1


@pytest.mark.parametrize(
    ("task", "offset", "status", "code"),
    [
        # The other refusals are the service's unit tests' (test_what_cannot_be_completed_changes_nothing):
        # this one shows the body's date reaching the rule.
        ("mindful-7-d2", 1, 409, "task_not_due"),  # tomorrow: future
    ],
)
def test_a_task_not_due_or_not_mine_is_refused(load_function, postgres_url, enrolled, task, offset, status, code):
    client = load_function("program-complete-task", PUBLISH_AFTER_COMMIT="false")
    user, started = enrolled
    date = (started + dt.timedelta(days=offset)).isoformat()
    response = client.post(
        f"/v1/me/tasks/{task}/completions", headers=userinfo_header({"sub": user}), json={"date": date}
    )
    assert (response.status_code, response.get_json()["error"]["code"]) == (status, code)
    assert events_for(postgres_url, user) == []


def test_an_unknown_body_field_is_400(load_function, enrolled) -> None:
    client = load_function("program-complete-task", PUBLISH_AFTER_COMMIT="false")
    headers = userinfo_header({"sub": enrolled[0]})
    assert client.post("/v1/me/tasks/mindful-7-d1/completions", headers=headers, json={"x": 1}).status_code == 400
