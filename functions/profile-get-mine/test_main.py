"""profile-get-mine reads only the caller's own profile."""

import base64
import json
import uuid

import pytest

pytestmark = pytest.mark.functional


def as_user(user_id: str) -> dict[str, str]:
    claims = base64.urlsafe_b64encode(json.dumps({"sub": user_id}).encode()).rstrip(b"=").decode()
    return {"X-Apigateway-Api-Userinfo": claims}


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
        }  # fmt: skip
    )
    assert client.get("/v1/me/profile", headers=as_user(mine)).get_json()["displayName"] == "Me"
    missing = client.get("/v1/me/profile", headers=as_user(theirs))
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "profile_not_found"
    assert client.get("/v1/me/profile").status_code == 401
