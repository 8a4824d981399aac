"""program-on-user-deleted: the user's enrollments and completions are erased."""

import uuid

import pytest

from wellness.platform.events import Event
from wellness.platform.subscriber import push_request

pytestmark = pytest.mark.functional


def test_everything_of_the_user_is_erased(load_function, programs, sql) -> None:
    client = load_function("program-on-user-deleted")
    user, other = str(uuid.uuid4()), str(uuid.uuid4())
    service = programs
    for who in (user, other):
        started = service.enroll(who, "mindful-7")["startedOn"]
        service.complete(who, "mindful-7-d1", None)
    event = Event.new("user.deleted", user_id=user, data={"userId": user})
    assert [client.post("/", json=push_request(event)).status_code for _ in range(2)] == [204, 204]
    for table in ("program_enrollments", "program_completions"):
        counts = dict(sql(f"SELECT user_id::text, count(*) FROM {table} GROUP BY 1"))  # noqa: S608
        assert user not in counts and counts[other] == 1, (table, started)
