"""profile-get-mine reads only the caller's own profile."""

import uuid

import pytest

from wellness_testing.factories import as_user

pytestmark = pytest.mark.functional


def test_own_profile_and_nobody_elses(load_function, firestore_db) -> None:
    client = load_function("profile-get-mine")
    mine, theirs = str(uuid.uuid4()), str(uuid.uuid4())
    firestore_db.collection("profiles").document(mine).set(
        {
            "userId": mine,
            "displayName": "Me",
            "timezone": "UTC",
            "bio": "",
            "createdAt": "2026-01-01T00:00:00.000Z",
            "updatedAt": "2026-01-01T00:00:00.000Z",
        }
    )
    assert client.get("/v1/me/profile", headers=as_user(mine)).get_json()["displayName"] == "Me"
    missing = client.get("/v1/me/profile", headers=as_user(theirs))
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "profile_not_found"
    assert client.get("/v1/me/profile").status_code == 401
