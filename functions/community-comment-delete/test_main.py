"""community-comment-delete: one's own comments only."""

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


def test_own_comments_only(load_function, firestore_db) -> None:
    client = load_function("community-comment-delete")
    post_id = a_post(firestore_db, str(uuid.uuid4()), commentCount=1)
    firestore_db.document(f"posts/{post_id}/comments/c1").set({"id": "c1", "authorId": "me"})
    path = f"/v1/community/posts/{post_id}/comments/c1"
    assert client.delete(path, headers=as_user("someone")).status_code == 403
    assert client.delete(path, headers=as_user("me")).status_code == 204
    assert firestore_db.document(f"posts/{post_id}").get().get("commentCount") == 0
    assert client.delete(path, headers=as_user("me")).status_code == 404
