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


def test_resends_are_limited_per_address_with_retry_after(load_function, sql) -> None:
    account = {
        "email": f"{uuid.uuid4().hex[:10]}@example.com",
        "password": "correct horse battery",
        "displayName": "Ada",
        "timezone": "UTC",
    }
    user = load_function("auth-signup").post("/v1/auth/signup", json=account).get_json()["user"]["id"]
    client = load_function(
        "auth-verification-resend", PUBLISH_AFTER_COMMIT="false", EMAIL_VERIFICATION_MAX_PER_ADDRESS="2"
    )
    answers = [
        client.post(
            "/v1/auth/email-verification",
            headers={**userinfo_header({"sub": user}), "X-Forwarded-For": f"198.51.100.{n}"},
        )
        for n in range(4)
    ]
    assert [a.status_code for a in answers] == [202, 202, 429, 429]
    assert answers[-1].get_json()["error"]["code"] == "too_many_requests"
    assert 0 < int(answers[-1].headers["Retry-After"]) <= 3600
    links = "SELECT count(*) FROM outbox WHERE topic = 'email.verification_requested' AND payload->>'userId' = :u"
    assert sql(links, u=user) == [(3,)]  # sign-up's and two resends
