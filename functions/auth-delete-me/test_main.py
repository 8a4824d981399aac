"""auth-delete-me, loaded as deployed: the account, its sessions, and user.deleted in the outbox."""

import uuid

import pytest
import sqlalchemy as sa

from wellness.platform.identity import userinfo_header

pytestmark = pytest.mark.functional


def test_delete_me_removes_the_account_and_writes_user_deleted(load_function, postgres_url) -> None:
    account = {
        "email": f"{uuid.uuid4().hex[:10]}@example.com",
        "password": "correct horse battery",
        "displayName": "Ada",
        "timezone": "UTC",
    }
    session = load_function("auth-signup").post("/v1/auth/signup", json=account).get_json()
    user_id = session["user"]["id"]
    client = load_function("auth-delete-me", PUBLISH_AFTER_COMMIT="false")
    retried = {**userinfo_header({"sub": user_id}), "Idempotency-Key": str(uuid.uuid4())}
    assert client.delete("/v1/me", headers=retried).status_code == 204
    assert client.delete("/v1/me", headers=retried).status_code == 204  # the retry of a dropped answer
    again = client.delete("/v1/me", headers=userinfo_header({"sub": user_id}))
    assert (again.status_code, again.get_json()["error"]["code"]) == (401, "token_revoked")  # its tokens are dead
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        users = conn.execute(sa.text("SELECT count(*) FROM auth_users WHERE id = :id"), {"id": user_id}).scalar()
        events = conn.execute(
            sa.text("SELECT count(*) FROM outbox WHERE topic = 'user.deleted' AND payload->>'userId' = :id"),
            {"id": user_id},
        ).scalar()
    engine.dispose()
    assert (users, events) == (0, 1)
    login = load_function("auth-login").post(
        "/v1/auth/login", json={"email": account["email"], "password": account["password"]}
    )
    assert login.status_code == 401


@pytest.mark.parametrize(
    ("function", "method", "path", "body"),
    [
        ("program-enroll", "post", "/v1/programs/mindful-7/enrollments", None),  # a Postgres domain
        ("reflection-create", "post", "/v1/me/reflections", {"mood": 4, "text": "after"}),  # a Firestore domain
        ("community-post-create", "post", "/v1/community/posts", {"text": "after"}),
    ],
)
def test_no_write_with_a_token_of_a_deleted_account_in_any_domain(load_function, function, method, path, body) -> None:
    """user.deleted is asynchronous; the revocation is not: the very next write is refused."""
    import jwt

    account = {
        "email": f"{uuid.uuid4().hex[:10]}@example.com",
        "password": "correct horse battery",
        "displayName": "Ada",
        "timezone": "UTC",
    }
    session = load_function("auth-signup").post("/v1/auth/signup", json=account).get_json()
    # As if the address had been verified (else community refuses with 403 before anything else).
    claims = {**jwt.decode(session["accessToken"], options={"verify_signature": False}), "email_verified": True}
    assert (
        load_function("auth-delete-me", PUBLISH_AFTER_COMMIT="false")
        .delete("/v1/me", headers=userinfo_header(claims))
        .status_code
        == 204
    )
    refused = getattr(load_function(function), method)(path, json=body, headers=userinfo_header(claims))
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (401, "token_revoked")
