"""profile-get-public shows the public subset only: never the time zone."""

import uuid

import pytest

from wellness.platform.identity import userinfo_header

pytestmark = pytest.mark.functional


def test_public_subset_only(load_function, firestore_db) -> None:
    client = load_function("profile-get-public")
    user_id = str(uuid.uuid4())
    firestore_db.collection("profiles").document(user_id).set(
        {
            "userId": user_id,
            "displayName": "Ada",
            "timezone": "Europe/Paris",
            "bio": "Runner",
            "createdAt": "2026-01-01T00:00:00.000Z",
            "updatedAt": "2026-01-01T00:00:00.000Z",
        }
    )
    response = client.get(f"/v1/profiles/{user_id}", headers=userinfo_header({"sub": str(uuid.uuid4())}))
    assert response.get_json() == {"userId": user_id, "displayName": "Ada", "bio": "Runner"}
    missing = client.get(f"/v1/profiles/{uuid.uuid4()}", headers=userinfo_header({"sub": user_id}))
    assert missing.status_code == 404
