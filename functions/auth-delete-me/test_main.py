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
    assert client.delete("/v1/me", headers=userinfo_header({"sub": user_id})).status_code == 204
    assert client.delete("/v1/me", headers=userinfo_header({"sub": user_id})).status_code == 204  # idempotent
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
