"""community-comments-list: oldest first, paged."""

import uuid

import pytest

from wellness_testing.factories import as_user

pytestmark = pytest.mark.functional


def test_pages_oldest_first(load_function, a_post, firestore_db) -> None:
    client = load_function("community-comments-list")
    post_id = a_post(str(uuid.uuid4()))
    for n in range(3):
        firestore_db.document(f"posts/{post_id}/comments/c{n}").set(
            {"id": f"c{n}", "postId": post_id, "authorId": "a", "text": f"t{n}", "createdAt": f"2026-01-0{n + 1}"}
        )
    first = client.get(f"/v1/community/posts/{post_id}/comments?limit=2", headers=as_user("me")).get_json()
    assert [c["id"] for c in first["items"]] == ["c0", "c1"]
    rest = client.get(f"/v1/community/posts/{post_id}/comments?cursor={first['nextCursor']}", headers=as_user("me"))
    assert [c["id"] for c in rest.get_json()["items"]] == ["c2"] and rest.get_json()["nextCursor"] is None
    assert client.get("/v1/community/posts/nope/comments", headers=as_user("me")).status_code == 404
