"""reporting-daily: one row per local day of a bounded range, paged; bad ranges are 400."""

import uuid

import pytest

from wellness_testing.factories import as_user

pytestmark = pytest.mark.functional


def test_days_of_a_range_in_pages(load_function, sql) -> None:
    client = load_function("reporting-daily")
    user = str(uuid.uuid4())
    sql(
        "INSERT INTO reporting_completions (user_id, task_id, date, completed_at) "
        "VALUES (:u, 'sleep-10-d1', '2026-11-02', now())",
        u=user,
    )
    headers = as_user(user)
    first = client.get("/v1/me/reports/daily?from=2026-11-01&to=2026-11-05&limit=3", headers=headers).get_json()
    assert [d["date"] for d in first["items"]] == ["2026-11-01", "2026-11-02", "2026-11-03"]
    assert first["items"][1] == {"date": "2026-11-02", "tasksCompleted": 1, "reflectionsLogged": 0, "averageMood": None}
    rest = client.get(
        f"/v1/me/reports/daily?from=2026-11-01&to=2026-11-05&cursor={first['nextCursor']}", headers=headers
    ).get_json()
    assert [d["date"] for d in rest["items"]] == ["2026-11-04", "2026-11-05"] and rest["nextCursor"] is None


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-13-01&to=2026-12-31",
        "to=2026-11-01",
    ],  # what the contract refuses; bad ranges and tampered cursors are the service's unit tests'
)
def test_a_bad_range_is_400(load_function, query: str) -> None:
    response = load_function("reporting-daily").get(f"/v1/me/reports/daily?{query}", headers=as_user(str(uuid.uuid4())))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] in ("invalid_range", "invalid_parameters", "invalid_cursor")
