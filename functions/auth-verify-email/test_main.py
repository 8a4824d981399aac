"""auth-verify-email, loaded as deployed: the mailed token verifies once; the next tokens say email_verified."""

import uuid

import jwt
import pytest

from wellness.auth.reset_tokens import reset_token, smoke_verification_token, verification_token

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


SMOKE_KEY = b"test-smoke-key"  # conftest's SECRET_SMOKE_KEY


def signed_up(load_function, sql, email: str) -> tuple[dict, str]:
    account = {"email": email, "password": "correct horse battery", "displayName": "Smoke", "timezone": "UTC"}
    session = load_function("auth-signup").post("/v1/auth/signup", json=account).get_json()
    (row,) = sql(
        "SELECT payload->'data'->>'verificationId' FROM outbox WHERE topic = 'email.verification_requested' "
        "AND payload->>'userId' = :u",
        u=session["user"]["id"],
    )
    return session, row[0]


def verified_at(sql, user_id: str):
    (row,) = sql("SELECT email_verified_at FROM auth_users WHERE id = :u", u=user_id)
    return row[0]


def test_the_smoke_key_verifies_a_smoke_address_and_no_other(load_function, sql) -> None:
    """The release smoke's path (README, "Deploying"): the secret smoke-key vouches for smoke addresses only."""
    client = load_function("auth-verify-email")
    confirm = lambda token: client.post("/v1/auth/email-verification/confirm", json={"token": token})  # noqa: E731
    ordinary, ordinary_link = signed_up(load_function, sql, f"{uuid.uuid4().hex[:10]}@example.com")
    refused = confirm(smoke_verification_token(SMOKE_KEY, ordinary_link))
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (400, "invalid_verification_token")
    assert verified_at(sql, ordinary["user"]["id"]) is None

    smoke, smoke_link = signed_up(load_function, sql, f"smoke-{uuid.uuid4().hex[:10]}@smoke.wellness.invalid")
    forged = confirm(smoke_verification_token(b"not the smoke key", smoke_link))
    assert (forged.status_code, forged.get_json()["error"]["code"]) == (400, "invalid_verification_token")
    assert verified_at(sql, smoke["user"]["id"]) is None
    assert confirm(smoke_verification_token(SMOKE_KEY, smoke_link)).status_code == 204
    assert verified_at(sql, smoke["user"]["id"]) is not None
    refreshed = load_function("auth-refresh").post("/v1/auth/refresh", json={"refreshToken": smoke["refreshToken"]})
    claims = jwt.decode(refreshed.get_json()["accessToken"], options={"verify_signature": False})
    assert claims["email_verified"] is True and claims["smoke"] is True
