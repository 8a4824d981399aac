"""Mailjet against a local HTTP stand-in (never the real service); SMTP is the mailer contract's (../ports)."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from wellness.notifications.mailers import UNDELIVERABLE, MailjetMailer
from wellness.notifications.model import Mail
from wellness.notifications.ports import MailError

pytestmark = pytest.mark.integration


class StandIn(BaseHTTPRequestHandler):
    status = 200
    received: list[tuple[dict, str]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        StandIn.received.append((body, self.headers["Authorization"]))
        answer = {"Messages": [{"Status": "success", "To": [{"MessageID": 42}]}]}
        payload = json.dumps(answer if StandIn.status == 200 else {"ErrorMessage": "no"}).encode()
        self.send_response(StandIn.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stand_in():
    server = HTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    StandIn.received, StandIn.status = [], 200
    yield f"http://127.0.0.1:{server.server_port}/v3.1/send"
    server.shutdown()
    server.server_close()


def test_sends_with_basic_auth_and_the_event_id(stand_in: str) -> None:
    mailer = MailjetMailer(stand_in, "Wellness <no-reply@wellness.invalid>", lambda: "key:secret")
    assert mailer.send(Mail("ada@example.com", "Hi", "Hello", "welcome"), idempotency_key="e-1") == "42"
    ((body, auth),) = StandIn.received
    assert auth == "Basic " + base64.b64encode(b"key:secret").decode()
    (message,) = body["Messages"]
    assert (message["To"], message["CustomID"], message["From"]["Email"]) == (
        [{"Email": "ada@example.com"}],
        "e-1",
        "no-reply@wellness.invalid",
    )


def test_an_address_under_invalid_never_reaches_mailjet(stand_in: str) -> None:
    mailer = MailjetMailer(stand_in, "w@wellness.invalid", lambda: "key:secret")
    to = "smoke-7@smoke.wellness.INVALID"
    assert mailer.send(Mail(to, "Verify", "link", "verification"), idempotency_key="e-3") == UNDELIVERABLE
    assert StandIn.received == []


def test_a_refusal_raises_mail_error_without_the_body(stand_in: str) -> None:
    StandIn.status = 500
    mailer = MailjetMailer(stand_in, "w@wellness.invalid", lambda: "key:secret")
    with pytest.raises(MailError) as error:
        mailer.send(Mail("ada@example.com", "Hi", "secret body", "welcome"), idempotency_key="e-2")
    assert "secret body" not in str(error.value) and "key:secret" not in str(error.value)
