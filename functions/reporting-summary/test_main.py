"""reporting-summary: streaks, totals and moods from the recorded facts, in the user's zone."""

import datetime as dt
import uuid

import pytest

from wellness_testing.factories import as_user

pytestmark = pytest.mark.functional


def test_the_summary_of_what_was_recorded(load_function, sql) -> None:
    client = load_function("reporting-summary")
    user = str(uuid.uuid4())
    today = dt.datetime.now(dt.UTC).date()  # no zone recorded: UTC
    for n, offset in enumerate([0, 1, 2, 5]):
        sql(
            "INSERT INTO reporting_completions (user_id, task_id, date, completed_at) VALUES (:u, :t, :d, now())",
            u=user,
            t=f"move-14-d{n + 1}",
            d=today - dt.timedelta(days=offset),
        )
    for n, (offset, mood) in enumerate([(0, 5), (3, 4), (20, 1)]):
        sql(
            "INSERT INTO reporting_reflections (user_id, reflection_id, date, mood) VALUES (:u, :r, :d, :m)",
            u=user,
            r=f"r{n}",
            d=today - dt.timedelta(days=offset),
            m=mood,
        )
    response = client.get("/v1/me/reports/summary", headers=as_user(user))
    assert response.status_code == 200
    assert response.get_json() == {
        "currentStreak": 3,
        "longestStreak": 3,
        "tasksCompleted": 4,
        "reflectionsLogged": 3,
        "averageMood7d": 4.5,
        "averageMood30d": 3.33,
        "today": today.isoformat(),
    }
