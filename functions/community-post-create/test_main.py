"""community-post-create: posts, and a per-user rate limit (429 with Retry-After)."""

import uuid

import pytest

from wellness_testing.factories import as_user

pytestmark = pytest.mark.functional


def test_posting_then_rate_limited(load_function) -> None:
    client = load_function("community-post-create")
    me = str(uuid.uuid4())
    created = client.post("/v1/community/posts", json={"text": "Day 3 done"}, headers=as_user(me))
    assert created.status_code == 201
    assert (created.get_json()["text"], created.get_json()["reactionCount"]) == ("Day 3 done", 0)
    statuses = [
        client.post("/v1/community/posts", json={"text": "x"}, headers=as_user(me)).status_code for _ in range(5)
    ]
    assert statuses == [201, 201, 201, 201, 429]
    limited = client.post("/v1/community/posts", json={"text": "x"}, headers=as_user(me))
    assert limited.status_code == 429 and 1 <= int(limited.headers["Retry-After"]) <= 60
    assert client.post("/v1/community/posts", json={"text": "x" * 2001}, headers=as_user(me)).status_code == 400
