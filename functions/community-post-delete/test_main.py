"""community-post-delete: the author only; the post goes with its comments."""

import uuid

import pytest

from wellness_testing.factories import as_user

pytestmark = pytest.mark.functional


def test_only_the_author_deletes(load_function, a_post, firestore_db) -> None:
    client = load_function("community-post-delete")
    author = str(uuid.uuid4())
    post_id = a_post(author)
    firestore_db.document(f"posts/{post_id}/comments/c1").set({"id": "c1", "authorId": "x"})
    assert client.delete(f"/v1/community/posts/{post_id}", headers=as_user(str(uuid.uuid4()))).status_code == 403
    assert client.delete(f"/v1/community/posts/{post_id}", headers=as_user(author)).status_code == 204
    assert not firestore_db.document(f"posts/{post_id}").get().exists
    assert not firestore_db.document(f"posts/{post_id}/comments/c1").get().exists
