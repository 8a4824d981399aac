"""auth-verification-resend, loaded as deployed: a new link for an unverified account, 409 once verified."""

import uuid

import pytest

from wellness.platform.identity import userinfo_header

pytestmark = pytest.mark.functional


def test_a_new_link_until_verified(load_function, sql) -> None:
    account = {
        "email": f"{uuid.uuid4().hex[:10]}@example.com",
        "password": "correct horse battery",
        "displayName": "Ada",
        "timezone": "UTC",
    }
    user = load_function("auth-signup").post("/v1/auth/signup", json=account).get_json()["user"]["id"]
    client = load_function("auth-verification-resend", PUBLISH_AFTER_COMMIT="false")
    assert client.post("/v1/auth/email-verification", headers=userinfo_header({"sub": user})).status_code == 202
    links = "SELECT count(*) FROM outbox WHERE topic = 'email.verification_requested' AND payload->>'userId' = :u"
    assert sql(links, u=user) == [(2,)]
    sql("UPDATE auth_users SET email_verified_at = now() WHERE id = :u", u=user)
    again = client.post("/v1/auth/email-verification", headers=userinfo_header({"sub": user}))
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "already_verified")
