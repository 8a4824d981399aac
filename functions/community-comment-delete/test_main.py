"""community-comment-delete: one's own comments only."""

import uuid

import pytest

from wellness_testing.factories import as_user

pytestmark = pytest.mark.functional


def test_own_comments_only(load_function, a_post, firestore_db, post_counts) -> None:
    client = load_function("community-comment-delete")
    post_id = a_post(str(uuid.uuid4()), comment_count=1)
    firestore_db.document(f"posts/{post_id}/comments/c1").set(
        {"id": "c1", "postId": post_id, "authorId": "me", "text": "mine", "createdAt": "2026-01-01T00:00:00.000000Z"}
    )
    path = f"/v1/community/posts/{post_id}/comments/c1"
    assert client.delete(path, headers=as_user("someone")).status_code == 403
    assert client.delete(path, headers=as_user("me")).status_code == 204
    assert post_counts(post_id) == (0, 0)
    assert client.delete(path, headers=as_user("me")).status_code == 404
