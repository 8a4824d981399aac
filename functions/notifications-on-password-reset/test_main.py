"""notifications-on-password-reset, loaded as deployed: the mailed link carries a token the confirm function accepts."""

import datetime as dt

import pytest

from wellness.auth.reset_tokens import parse_reset_token
from wellness.platform.clock import timestamp
from wellness.platform.subscriber import push_request
from wellness_testing.factories import password_reset_requested

pytestmark = pytest.mark.functional


def test_the_reset_mail_carries_a_valid_single_link(load_function, smtp_sink) -> None:
    event = password_reset_requested(expiresAt=timestamp(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)))
    email, reset_id = event.data["email"], event.data["resetId"]
    body = push_request(event, message_id="9")
    client = load_function("notifications-on-password-reset", PASSWORD_RESET_URL="https://app.test/reset")
    assert [client.post("/", json=body).status_code for _ in range(2)] == [204, 204]
    (mail,) = [m for m in smtp_sink.messages() if m["To"] == email]
    text = mail.get_content()
    link = next(line for line in text.splitlines() if line.startswith("https://app.test/reset?token="))
    token = link.split("token=", 1)[1]
    assert parse_reset_token(b"test-password-reset-key", token) == reset_id
