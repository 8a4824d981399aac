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


def test_a_retry_with_the_same_idempotency_key_answers_the_first_post_without_posting_again(
    load_function, firestore_db
) -> None:
    client = load_function("community-post-create")
    me, key = str(uuid.uuid4()), str(uuid.uuid4())
    headers = {**as_user(me), "Idempotency-Key": key}
    first = client.post("/v1/community/posts", json={"text": "once"}, headers=headers)
    again = client.post("/v1/community/posts", json={"text": "once"}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    from google.cloud.firestore_v1.base_query import FieldFilter

    mine = list(firestore_db.collection("posts").where(filter=FieldFilter("authorId", "==", me)).stream())
    assert len(mine) == 1
    other = client.post("/v1/community/posts", json={"text": "another"}, headers=headers)
    assert (other.status_code, other.get_json()["error"]["code"]) == (422, "idempotency_key_reused")
    # Another user's same key is another key.
    theirs = client.post(
        "/v1/community/posts", json={"text": "once"}, headers={**as_user(str(uuid.uuid4())), "Idempotency-Key": key}
    )
    assert theirs.status_code == 201 and theirs.get_json()["id"] != first.get_json()["id"]


def test_an_idempotent_request_that_failed_before_any_change_may_run_again(load_function) -> None:
    client = load_function("community-post-create")
    me, key = str(uuid.uuid4()), str(uuid.uuid4())
    for _ in range(5):
        assert client.post("/v1/community/posts", json={"text": "x"}, headers=as_user(me)).status_code == 201
    headers = {**as_user(me), "Idempotency-Key": key}
    limited = client.post("/v1/community/posts", json={"text": "later"}, headers=headers)
    assert limited.status_code == 429  # nothing committed: the key is given back
    assert client.post("/v1/community/posts", json={"text": "later"}, headers=headers).status_code == 429
    bad_key = client.post("/v1/community/posts", json={"text": "x"}, headers={**as_user(me), "Idempotency-Key": "a b"})
    assert (bad_key.status_code, bad_key.get_json()["error"]["code"]) == (400, "invalid_idempotency_key")
