"""notifications-on-email-verification, loaded as deployed: one mail, with a link auth-verify-email accepts."""

import pytest

from wellness.auth.reset_tokens import parse_reset_token, parse_verification_token
from wellness.platform.subscriber import push_request
from wellness_testing.factories import email_verification_requested

pytestmark = pytest.mark.functional


def test_the_verification_mail_carries_a_valid_single_link(load_function, smtp_sink) -> None:
    event = email_verification_requested()
    body = push_request(event, message_id="11")
    client = load_function("notifications-on-email-verification", PASSWORD_RESET_URL="https://app.test/reset")
    assert [client.post("/", json=body).status_code for _ in range(2)] == [204, 204]
    (mail,) = [m for m in smtp_sink.messages() if m["To"] == event.data["email"]]
    link = next(line for line in mail.get_content().splitlines() if line.startswith("https://app.test/verify-email?"))
    token = link.split("token=", 1)[1]
    assert parse_verification_token(b"test-password-reset-key", token) == event.data["verificationId"]
    assert parse_reset_token(b"test-password-reset-key", token) is None  # not a reset token
