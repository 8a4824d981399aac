"""reflection-on-user-deleted erases every reflection of the user, however often it is delivered."""

import pytest

from wellness.platform.subscriber import push_request
from wellness_testing.factories import new_user_id, user_deleted

pytestmark = pytest.mark.functional


def test_erases_all_and_is_repeatable(load_function, firestore_db) -> None:
    client = load_function("reflection-on-user-deleted")
    user_id = new_user_id()
    for n in range(3):
        firestore_db.document(f"users/{user_id}/reflections/r{n}").set({"id": f"r{n}"})
    push = push_request(user_deleted(user_id))
    assert [client.post("/", json=push).status_code for _ in range(2)] == [204, 204]
    assert list(firestore_db.collection(f"users/{user_id}/reflections").stream()) == []
