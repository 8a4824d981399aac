"""auth-password-reset-confirm, loaded as deployed: single use, expiry, a new password, every session ended."""

import uuid

import pytest
import sqlalchemy as sa

from wellness.auth.reset_tokens import reset_token
from wellness.platform.subscriber import push_request
from wellness_testing.factories import password_reset_submitted

pytestmark = pytest.mark.functional
KEY = b"test-password-reset-key"  # conftest's SECRET_PASSWORD_RESET_KEY


def requested_reset(load_function, postgres_url: str) -> tuple[dict, str]:
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    account = {"email": email, "password": "correct horse battery", "displayName": "Ada", "timezone": "UTC"}
    session = load_function("auth-signup").post("/v1/auth/signup", json=account).get_json()
    # What auth-password-reset's event makes the subscriber do, after the answer.
    submitted = push_request(password_reset_submitted(email), message_id="1")
    load_function("auth-on-password-reset-submitted", PUBLISH_AFTER_COMMIT="false").post("/", json=submitted)
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        reset_id = conn.execute(
            sa.text("SELECT id FROM auth_password_resets WHERE user_id = :u"), {"u": session["user"]["id"]}
        ).scalar_one()
    engine.dispose()
    return {**session, "email": email}, str(reset_id)


def test_reset_once_then_the_token_is_spent(load_function, postgres_url) -> None:
    session, reset_id = requested_reset(load_function, postgres_url)
    client = load_function("auth-password-reset-confirm")
    body = {"token": reset_token(KEY, reset_id), "newPassword": "a brand new password"}
    assert client.post("/v1/auth/password-reset/confirm", json=body).status_code == 204
    again = client.post("/v1/auth/password-reset/confirm", json={**body, "newPassword": "and yet another one"})
    assert (again.status_code, again.get_json()["error"]["code"]) == (400, "invalid_reset_token")
    refresh = load_function("auth-refresh").post("/v1/auth/refresh", json={"refreshToken": session["refreshToken"]})
    assert refresh.status_code == 401
    login = load_function("auth-login").post(
        "/v1/auth/login", json={"email": session["email"], "password": "a brand new password"}
    )
    assert login.status_code == 200


def test_an_expired_or_forged_token_is_refused(load_function, postgres_url) -> None:
    _, reset_id = requested_reset(load_function, postgres_url)
    client = load_function("auth-password-reset-confirm")
    forged = client.post(
        "/v1/auth/password-reset/confirm",
        json={"token": reset_token(b"guess", reset_id), "newPassword": "a brand new password"},
    )
    assert forged.status_code == 400
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE auth_password_resets SET expires_at = now() - interval '1 second' WHERE id = :i"),
            {"i": reset_id},
        )
    engine.dispose()
    expired = client.post(
        "/v1/auth/password-reset/confirm",
        json={"token": reset_token(KEY, reset_id), "newPassword": "a brand new password"},
    )
    assert (expired.status_code, expired.get_json()["error"]["code"]) == (400, "invalid_reset_token")
