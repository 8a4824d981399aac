"""community-reaction-put: one reaction per user, idempotent."""

import uuid

import pytest

from wellness_testing.factories import as_user

pytestmark = pytest.mark.functional


def test_put_twice_counts_once(load_function, a_post) -> None:
    client = load_function("community-reaction-put")
    post_id = a_post(str(uuid.uuid4()))
    path = f"/v1/community/posts/{post_id}/reactions/me"
    bodies = [client.put(path, headers=as_user("me")).get_json() for _ in range(2)]
    assert bodies == [{"postId": post_id, "reacted": True, "reactionCount": 1}] * 2
