"""reporting-on-reflection-logged: the mood of each reflection, once."""

import uuid

import pytest

from wellness.platform.subscriber import push_request
from wellness_testing.factories import reflection_logged

pytestmark = pytest.mark.functional


def test_recorded_once(load_function, sql) -> None:
    client = load_function("reporting-on-reflection-logged")
    user = str(uuid.uuid4())
    event = reflection_logged(user, mood=2)
    assert [client.post("/", json=push_request(event)).status_code for _ in range(2)] == [204, 204]
    assert sql("SELECT mood FROM reporting_reflections WHERE user_id = :u", u=user) == [(2,)]
