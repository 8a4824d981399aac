"""reporting-on-profile-updated: the newest zone wins, whatever order the events arrive in."""

import uuid

import pytest

from wellness.platform.subscriber import push_request
from wellness_testing.factories import profile_updated

pytestmark = pytest.mark.functional


def test_a_late_older_event_does_not_undo_a_newer_zone(load_function, sql) -> None:
    client = load_function("reporting-on-profile-updated")
    user = str(uuid.uuid4())
    older = profile_updated(user, timezone="Europe/Oslo")
    newer = profile_updated(user, timezone="Asia/Tokyo")
    assert client.post("/", json=push_request(newer)).status_code == 204
    assert client.post("/", json=push_request(older)).status_code == 204  # delivered late
    assert sql("SELECT timezone FROM reporting_users WHERE user_id = :u", u=user) == [("Asia/Tokyo",)]
