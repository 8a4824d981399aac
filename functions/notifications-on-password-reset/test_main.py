"""notifications-on-password-reset, loaded as deployed: the mailed link carries a token the confirm function accepts."""

import base64
import datetime as dt
import uuid

import pytest

from wellness.auth.reset_tokens import parse_reset_token
from wellness.platform.events import Event

pytestmark = pytest.mark.functional


def test_the_reset_mail_carries_a_valid_single_link(load_function, smtp_sink) -> None:
    user_id, reset_id = str(uuid.uuid4()), str(uuid.uuid4())
    email = f"{user_id[:8]}@example.com"
    expires = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    data = {"resetId": reset_id, "userId": user_id, "email": email, "displayName": "Ada", "expiresAt": expires}
    event = Event.new("password.reset_requested", user_id=user_id, data=data)
    body = {"message": {"data": base64.b64encode(event.to_json()).decode(), "messageId": "9"}}
    client = load_function("notifications-on-password-reset", PASSWORD_RESET_URL="https://app.test/reset")
    assert [client.post("/", json=body).status_code for _ in range(2)] == [204, 204]
    (mail,) = [m for m in smtp_sink.messages() if m["To"] == email]
    text = mail.get_content()
    link = next(line for line in text.splitlines() if line.startswith("https://app.test/reset?token="))
    token = link.split("token=", 1)[1]
    assert parse_reset_token(b"test-password-reset-key", token) == reset_id
