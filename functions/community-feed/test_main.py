"""community-feed lists visible posts newest first, with the author's public profile."""

import uuid

import pytest

from wellness_testing.factories import as_user

pytestmark = pytest.mark.functional


def test_feed_leaves_hidden_posts_out_and_attaches_public_profiles(load_function, a_post, firestore_db) -> None:
    client = load_function("community-feed")
    author = str(uuid.uuid4())
    firestore_db.collection("profiles").document(author).set(
        {
            "userId": author,
            "displayName": "Ada",
            "timezone": "Europe/Paris",
            "bio": "",
            "createdAt": "2026-01-01T00:00:00.000000Z",
            "updatedAt": "2026-01-01T00:00:00.000000Z",
        }
    )
    shown, hidden = a_post(author), a_post(author, visible=False)
    seen, cursor = [], None
    while True:
        page = client.get(
            "/v1/community/posts?limit=50" + (f"&cursor={cursor}" if cursor else ""), headers=as_user(str(uuid.uuid4()))
        ).get_json()
        seen += page["items"]
        cursor = page["nextCursor"]
        if not cursor:
            break
    ids = [p["id"] for p in seen]
    assert shown in ids and hidden not in ids
    assert next(p for p in seen if p["id"] == shown)["author"] == {"userId": author, "displayName": "Ada"}
    assert [p["createdAt"] for p in seen] == sorted((p["createdAt"] for p in seen), reverse=True)
