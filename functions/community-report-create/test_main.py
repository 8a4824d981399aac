"""community-report-create: one report per user; the third distinct reporter hides the post."""

import uuid

import pytest

from wellness_testing.factories import as_user

pytestmark = pytest.mark.functional


def test_reports_hide_past_the_threshold(load_function, a_post, firestore_db) -> None:
    client = load_function("community-report-create")
    post_id = a_post(str(uuid.uuid4()))
    path = f"/v1/community/posts/{post_id}/reports"
    assert client.post(path, json={"reason": "spam"}, headers=as_user("r1")).status_code == 201
    assert client.post(path, headers=as_user("r1")).status_code == 200  # again: nothing changes
    assert client.post(path, headers=as_user("r2")).status_code == 201
    assert firestore_db.document(f"posts/{post_id}").get().get("visible") is True
    assert client.post(path, headers=as_user("r3")).status_code == 201
    assert firestore_db.document(f"posts/{post_id}").get().get("visible") is False
    assert client.post(path, headers=as_user("r4")).status_code == 404  # hidden now
