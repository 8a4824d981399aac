"""community-on-user-deleted: the user's posts, comments and reactions go; repeatable."""

import base64
import uuid

import pytest

from wellness.platform.events import Event
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


def test_erases_the_users_content(load_function, firestore_db) -> None:
    client = load_function("community-on-user-deleted")
    user_id = str(uuid.uuid4())
    mine, theirs = a_post(firestore_db, user_id), a_post(firestore_db, "other", commentCount=1, reactionCount=1)
    firestore_db.document(f"posts/{theirs}/comments/c1").set({"id": "c1", "authorId": user_id})
    firestore_db.document(f"posts/{theirs}/reactions/{user_id}").set({"userId": user_id})
    event = Event.new("user.deleted", user_id=user_id, data={"userId": user_id})
    push = {"message": {"data": base64.b64encode(event.to_json()).decode(), "messageId": "1"}}
    assert [client.post("/", json=push).status_code for _ in range(2)] == [204, 204]
    assert not firestore_db.document(f"posts/{mine}").get().exists
    left = firestore_db.document(f"posts/{theirs}").get().to_dict()
    assert (left["commentCount"], left["reactionCount"]) == (0, 0)
