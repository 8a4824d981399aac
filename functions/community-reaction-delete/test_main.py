"""community-reaction-delete: taking a reaction back, idempotent."""

import uuid

import pytest

from wellness_testing.factories import as_user

pytestmark = pytest.mark.functional


def test_delete_twice_counts_once(load_function, a_post, firestore_db) -> None:
    client = load_function("community-reaction-delete")
    post_id = a_post(str(uuid.uuid4()), reaction_count=1)
    firestore_db.document(f"posts/{post_id}/reactions/me").set({"userId": "me", "postId": post_id})
    path = f"/v1/community/posts/{post_id}/reactions/me"
    bodies = [client.delete(path, headers=as_user("me")).get_json() for _ in range(2)]
    assert bodies == [{"postId": post_id, "reacted": False, "reactionCount": 0}] * 2
