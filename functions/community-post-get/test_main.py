"""community-post-get: a visible post to anyone, a hidden one to its author only."""

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


def test_hidden_posts_are_404_except_to_the_author(load_function, firestore_db) -> None:
    client = load_function("community-post-get")
    author = str(uuid.uuid4())
    hidden = a_post(firestore_db, author, visible=False)
    assert client.get(f"/v1/community/posts/{hidden}", headers=as_user(str(uuid.uuid4()))).status_code == 404
    mine = client.get(f"/v1/community/posts/{hidden}", headers=as_user(author)).get_json()
    assert mine["hidden"] is True and mine["author"]["userId"] == author
