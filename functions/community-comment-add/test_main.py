"""community-comment-add: a comment and the post's count, together."""

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


def test_comment_counts(load_function, firestore_db) -> None:
    client = load_function("community-comment-add")
    post_id = a_post(firestore_db, str(uuid.uuid4()))
    response = client.post(f"/v1/community/posts/{post_id}/comments", json={"text": "Nice"}, headers=as_user("me"))
    assert response.status_code == 201 and response.get_json()["text"] == "Nice"
    assert firestore_db.document(f"posts/{post_id}").get().get("commentCount") == 1
