"""program-get: one program with its tasks in day order."""

import pytest

from wellness.platform.identity import userinfo_header

pytestmark = pytest.mark.functional

ME = userinfo_header({"sub": "00000000-0000-4000-8000-000000000001"})


def test_a_program_with_its_tasks(load_function) -> None:
    response = load_function("program-get").get("/v1/programs/move-14", headers=ME)
    assert response.status_code == 200
    body = response.get_json()
    assert body["durationDays"] == 14 and len(body["tasks"]) == 14
    assert [t["taskId"] for t in body["tasks"]] == [f"move-14-d{n}" for n in range(1, 15)]
    assert [t["day"] for t in body["tasks"]] == list(range(1, 15))
