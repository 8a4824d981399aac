"""profile-update-mine changes only editable fields of the caller's own profile."""

import uuid

import pytest

from wellness_testing.factories import as_user

pytestmark = pytest.mark.functional


@pytest.fixture
def user_id(firestore_db) -> str:
    user_id = str(uuid.uuid4())
    firestore_db.collection("profiles").document(user_id).set(
        {
            "userId": user_id,
            "displayName": "Me",
            "timezone": "UTC",
            "bio": "",
            "createdAt": "2026-01-01T00:00:00.000Z",
            "updatedAt": "2026-01-01T00:00:00.000Z",
        }
    )
    return user_id


def test_patch_changes_the_fields_and_keeps_the_rest(load_function, user_id) -> None:
    client = load_function("profile-update-mine")
    response = client.patch(
        "/v1/me/profile", json={"bio": "Runner", "timezone": "America/Denver"}, headers=as_user(user_id)
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["bio"], body["timezone"], body["displayName"], body["userId"]) == (
        "Runner",
        "America/Denver",
        "Me",
        user_id,
    )
    assert body["updatedAt"] > body["createdAt"]


@pytest.mark.parametrize(
    ("patch", "code"),
    [
        ({"userId": "someone-else"}, "validation_failed"),
        ({}, "validation_failed"),
        ({"bio": 5}, "validation_failed"),
    ],
)
def test_bad_patches_are_400_and_change_nothing(load_function, firestore_db, user_id, patch, code) -> None:
    client = load_function("profile-update-mine")
    response = client.patch("/v1/me/profile", json=patch, headers=as_user(user_id))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == code
    stored = firestore_db.collection("profiles").document(user_id).get().to_dict()
    assert (stored["userId"], stored["timezone"], stored["updatedAt"]) == (user_id, "UTC", "2026-01-01T00:00:00.000Z")


def test_the_change_and_profile_updated_are_written_together(load_function, firestore_db, user_id) -> None:
    client = load_function("profile-update-mine", PUBLISH_AFTER_COMMIT="false")  # leave it in the outbox to see
    assert client.patch("/v1/me/profile", json={"timezone": "Asia/Tokyo"}, headers=as_user(user_id)).status_code == 200
    events = [d.to_dict()["payload"] for d in firestore_db.collection("outbox").stream()]
    mine = [e for e in events if e["type"] == "profile.updated" and e["userId"] == user_id]
    assert [e["data"] for e in mine] == [{"userId": user_id, "displayName": "Me", "timezone": "Asia/Tokyo"}]


def test_two_devices_editing_one_profile_a_stale_if_match_is_412(load_function, user_id) -> None:
    """The profile document above has no version yet (written before ETags): it counts as version 1."""
    read = load_function("profile-get-mine").get("/v1/me/profile", headers=as_user(user_id))
    etag = read.headers["ETag"]
    assert etag == '"1"'
    client = load_function("profile-update-mine")
    tablet = client.patch("/v1/me/profile", json={"bio": "tablet"}, headers={**as_user(user_id), "If-Match": etag})
    assert tablet.status_code == 200 and tablet.headers["ETag"] == '"2"'
    phone = client.patch("/v1/me/profile", json={"bio": "phone"}, headers={**as_user(user_id), "If-Match": etag})
    assert (phone.status_code, phone.get_json()["error"]["code"]) == (412, "precondition_failed")
    reread = load_function("profile-get-mine").get("/v1/me/profile", headers=as_user(user_id))
    assert (reread.get_json()["bio"], reread.headers["ETag"]) == ("tablet", '"2"')
    assert "version" not in reread.get_json()
