"""auth-refresh, loaded as deployed, on real PostgreSQL: rotation, and reuse ending the session."""

import uuid

import pytest

pytestmark = pytest.mark.functional


def test_rotation_then_reuse_revokes_the_family(load_function) -> None:
    account = {
        "email": f"{uuid.uuid4().hex[:10]}@example.com",
        "password": "correct horse battery",
        "displayName": "Ada",
        "timezone": "UTC",
    }
    first = load_function("auth-signup").post("/v1/auth/signup", json=account).get_json()
    client = load_function("auth-refresh")
    second = client.post("/v1/auth/refresh", json={"refreshToken": first["refreshToken"]})
    assert second.status_code == 200
    assert second.get_json()["user"]["id"] == first["user"]["id"]
    reuse = client.post("/v1/auth/refresh", json={"refreshToken": first["refreshToken"]})
    assert (reuse.status_code, reuse.get_json()["error"]["code"]) == (401, "invalid_refresh_token")
    after = client.post("/v1/auth/refresh", json={"refreshToken": second.get_json()["refreshToken"]})
    assert after.status_code == 401  # the whole family went with the reuse


def test_unknown_token_and_extra_fields_are_refused(load_function) -> None:
    client = load_function("auth-refresh")
    assert client.post("/v1/auth/refresh", json={"refreshToken": "nope"}).status_code == 401
    assert client.post("/v1/auth/refresh", json={"refreshToken": "nope", "userId": "x"}).status_code == 400


def test_reuse_ends_the_session_in_both_stores(load_function, sql, firestore_db) -> None:
    """Its access tokens write nothing more from the answer on: `session:<hash of sid>` in Postgres and Firestore."""
    import jwt

    from wellness.platform.revocation import session_key

    account = {
        "email": f"{uuid.uuid4().hex[:10]}@example.com",
        "password": "correct horse battery",
        "displayName": "Ada",
        "timezone": "UTC",
    }
    first = load_function("auth-signup").post("/v1/auth/signup", json=account).get_json()
    sid = jwt.decode(first["accessToken"], options={"verify_signature": False})["sid"]
    client = load_function("auth-refresh")
    assert client.post("/v1/auth/refresh", json={"refreshToken": first["refreshToken"]}).status_code == 200
    key = session_key(sid)
    assert sql("SELECT count(*) FROM revoked_tokens WHERE key = :k", k=key) == [(0,)]  # a rotation ends nothing
    assert client.post("/v1/auth/refresh", json={"refreshToken": first["refreshToken"]}).status_code == 401
    assert sql("SELECT count(*) FROM revoked_tokens WHERE key = :k", k=key) == [(1,)]
    from wellness.platform.revocation import COLLECTION

    assert firestore_db.collection(COLLECTION).document(key).get().exists
