"""community-on-user-deleted: the user's posts, comments and reactions go; repeatable."""

import uuid

import pytest

from wellness.platform.subscriber import push_request
from wellness_testing.factories import user_deleted

pytestmark = pytest.mark.functional


def test_erases_the_users_content(load_function, a_post, firestore_db, post_counts) -> None:
    client = load_function("community-on-user-deleted")
    user_id = str(uuid.uuid4())
    mine, theirs = a_post(user_id), a_post("other", comment_count=1, reaction_count=1)
    firestore_db.document(f"posts/{theirs}/comments/c1").set({"id": "c1", "authorId": user_id})
    firestore_db.document(f"posts/{theirs}/reactions/{user_id}").set({"userId": user_id})
    push = push_request(user_deleted(user_id))
    assert [client.post("/", json=push).status_code for _ in range(2)] == [204, 204]
    assert not firestore_db.document(f"posts/{mine}").get().exists
    assert post_counts(theirs) == (0, 0)
