"""reporting-on-user-deleted: the report data is erased, and events that arrive later are dropped."""

import uuid

import pytest

from wellness.platform.subscriber import push_request
from wellness_testing.factories import task_completed, user_deleted

pytestmark = pytest.mark.functional


def test_erased_and_late_events_dropped(load_function, sql) -> None:
    client = load_function("reporting-on-user-deleted")
    user = str(uuid.uuid4())
    sql(
        "INSERT INTO reporting_completions (user_id, task_id, date, completed_at) "
        "VALUES (:u, 'mindful-7-d1', '2026-11-27', now())",
        u=user,
    )
    event = user_deleted(user)
    assert [client.post("/", json=push_request(event)).status_code for _ in range(2)] == [204, 204]
    assert sql("SELECT count(*) FROM reporting_completions WHERE user_id = :u", u=user) == [(0,)]
    late = load_function("reporting-on-task-completed")
    assert late.post("/", json=push_request(task_completed(user))).status_code == 204
    assert sql("SELECT count(*) FROM reporting_completions WHERE user_id = :u", u=user) == [(0,)]
    assert sql("SELECT count(*) FROM reporting_users WHERE user_id = :u", u=user) == [(0,)]  # no zone kept either
