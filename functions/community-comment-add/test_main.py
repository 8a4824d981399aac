"""community-comment-add: a comment and the post's count, together."""

import uuid

import pytest

from wellness_testing.factories import as_user

pytestmark = pytest.mark.functional


def test_comment_counts(load_function, a_post, post_counts) -> None:
    client = load_function("community-comment-add")
    post_id = a_post(str(uuid.uuid4()))
    response = client.post(f"/v1/community/posts/{post_id}/comments", json={"text": "Nice"}, headers=as_user("me"))
    assert response.status_code == 201 and response.get_json()["text"] == "Nice"
    assert post_counts(post_id) == (0, 1)
