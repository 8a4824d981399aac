"""auth-on-password-reset-submitted, loaded as deployed: a reset for a registered address, nothing for another."""

import uuid

import pytest

from wellness.platform.subscriber import push_request
from wellness_testing.factories import password_reset_submitted

pytestmark = pytest.mark.functional


def test_a_registered_address_gets_a_reset_once_and_an_unknown_one_nothing(load_function, sql) -> None:
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    account = {"email": email, "password": "correct horse battery", "displayName": "Ada", "timezone": "UTC"}
    user = load_function("auth-signup").post("/v1/auth/signup", json=account).get_json()["user"]["id"]
    client = load_function("auth-on-password-reset-submitted", PUBLISH_AFTER_COMMIT="false")
    known = push_request(password_reset_submitted(email.upper()), message_id="1")
    assert [client.post("/", json=known).status_code for _ in range(2)] == [204, 204]  # redelivered: once
    unknown = push_request(password_reset_submitted("nobody-" + email), message_id="2")
    assert client.post("/", json=unknown).status_code == 204
    requested = "SELECT count(*) FROM outbox WHERE topic = 'password.reset_requested' AND payload->>'userId' = :u"
    assert sql(requested, u=user) == [(1,)]
    assert sql("SELECT count(*) FROM auth_password_resets WHERE user_id = :u", u=user) == [(1,)]
