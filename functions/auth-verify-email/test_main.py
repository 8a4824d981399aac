"""auth-verify-email, loaded as deployed: the mailed token verifies once; the next tokens say email_verified."""

import uuid

import jwt
import pytest

from wellness.auth.reset_tokens import reset_token, verification_token

pytestmark = pytest.mark.functional

KEY = b"test-password-reset-key"  # conftest's SECRET_PASSWORD_RESET_KEY


def test_the_link_verifies_once_and_refreshed_tokens_carry_email_verified(load_function, sql) -> None:
    account = {
        "email": f"{uuid.uuid4().hex[:10]}@example.com",
        "password": "correct horse battery",
        "displayName": "Ada",
        "timezone": "UTC",
    }
    session = load_function("auth-signup").post("/v1/auth/signup", json=account).get_json()
    assert jwt.decode(session["accessToken"], options={"verify_signature": False})["email_verified"] is False
    (row,) = sql(
        "SELECT payload->'data'->>'verificationId' FROM outbox WHERE topic = 'email.verification_requested' "
        "AND payload->>'userId' = :u",
        u=session["user"]["id"],
    )
    client = load_function("auth-verify-email")
    wrong = client.post("/v1/auth/email-verification/confirm", json={"token": reset_token(KEY, row[0])})
    assert (wrong.status_code, wrong.get_json()["error"]["code"]) == (400, "invalid_verification_token")
    token = verification_token(KEY, row[0])
    assert client.post("/v1/auth/email-verification/confirm", json={"token": token}).status_code == 204
    assert client.post("/v1/auth/email-verification/confirm", json={"token": token}).status_code == 400
    refreshed = load_function("auth-refresh").post("/v1/auth/refresh", json={"refreshToken": session["refreshToken"]})
    assert jwt.decode(refreshed.get_json()["accessToken"], options={"verify_signature": False})["email_verified"]
