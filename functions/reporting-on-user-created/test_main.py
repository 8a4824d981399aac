"""reporting-on-user-created: the reporting domain's copy of the new user's time zone, once."""

import base64
import uuid

import pytest

from wellness.platform.subscriber import push_request
from wellness_testing.factories import user_created

pytestmark = pytest.mark.functional


def test_the_zone_is_recorded_once(load_function, sql) -> None:
    client = load_function("reporting-on-user-created")
    user = str(uuid.uuid4())
    event = user_created(user, timezone="Asia/Kolkata")
    assert [client.post("/", json=push_request(event)).status_code for _ in range(3)] == [204, 204, 204]
    assert sql("SELECT timezone FROM reporting_users WHERE user_id = :u", u=user) == [("Asia/Kolkata",)]


def test_a_poison_message_is_422(load_function) -> None:
    bad = {"message": {"data": base64.b64encode(b'{"id": "x"}').decode(), "messageId": "2"}}
    assert load_function("reporting-on-user-created").post("/", json=bad).status_code == 422
