"""community-reaction-delete: taking a reaction back, idempotent."""

import uuid

import pytest
from wellness_testing.factories import as_user


pytestmark = pytest.mark.functional


def a_post(db, author: str, **fields) -> str:
    post_id = uuid.uuid4().hex
    db.collection("posts").document(post_id).set(
        {"id": post_id, "authorId": author, "text": "hello", "programId": None, "visible": True,
         "createdAt": f"2026-01-01T00:00:00.{uuid.uuid4().int % 999999:06d}Z", "reactionCount": 0,
         "commentCount": 0, "reportCount": 0, **fields}
    )  # fmt: skip
    return post_id


def test_delete_twice_counts_once(load_function, firestore_db) -> None:
    client = load_function("community-reaction-delete")
    post_id = a_post(firestore_db, str(uuid.uuid4()), reactionCount=1)
    firestore_db.document(f"posts/{post_id}/reactions/me").set({"userId": "me", "postId": post_id})
    path = f"/v1/community/posts/{post_id}/reactions/me"
    bodies = [client.delete(path, headers=as_user("me")).get_json() for _ in range(2)]
    assert bodies == [{"postId": post_id, "reacted": False, "reactionCount": 0}] * 2
