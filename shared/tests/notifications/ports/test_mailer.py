"""The mailer's contract, run against FakeMailer and against SmtpMailer over a socket to the session's SMTP sink."""

from __future__ import annotations

import uuid
from typing import Any, Callable

import pytest

from wellness.notifications.mailers import SmtpMailer
from wellness.notifications.model import Mail
from wellness.notifications.ports import MailError
from wellness_testing.fakes.notifications import FakeMailer

Sent = tuple[str, str, str, str]  # (idempotency key, to, subject, text)


class Harness:
    """A mailer, what reached its far end, and a way to make the next sends fail."""

    def __init__(self, mailer: Any, sent: Callable[[], list[Sent]], break_it: Callable[[], Any]):
        self.mailer, self.sent, self.break_it = mailer, sent, break_it


@pytest.fixture
def harness(backend: str, request: pytest.FixtureRequest) -> Harness:
    if backend == "fake":
        fake = FakeMailer()

        def fail() -> FakeMailer:
            fake.fail = True
            return fake

        return Harness(fake, lambda: [(key, m.to, m.subject, m.text) for key, m in fake.sent], fail)
    sink = request.getfixturevalue("smtp_sink")

    def received() -> list[Sent]:
        return [(m["X-Wellness-Event-Id"], m["To"], m["Subject"], m.get_content().strip()) for m in sink.messages()]

    closed_port = sink.port + 1 if sink.port < 65535 else 1
    return Harness(
        SmtpMailer(sink.host, sink.port, "Wellness <no-reply@wellness.invalid>"),
        received,
        lambda: SmtpMailer(sink.host, closed_port, "w@wellness.invalid"),
    )


def test_a_mail_is_delivered_once_per_send_with_its_key_and_a_provider_id(harness: Harness) -> None:
    keys = [str(uuid.uuid4()) for _ in range(2)]
    ids = [
        harness.mailer.send(Mail(f"ada-{key}@example.com", "Hi", f"Hello {key}", "welcome"), idempotency_key=key)
        for key in keys
    ]
    assert all(isinstance(i, str) and i for i in ids) and ids[0] != ids[1]
    mine = [sent for sent in harness.sent() if sent[0] in keys]
    assert sorted(mine) == sorted((key, f"ada-{key}@example.com", "Hi", f"Hello {key}") for key in keys)


def test_a_mail_not_accepted_raises_mail_error_without_its_address_or_body(harness: Harness) -> None:
    key = str(uuid.uuid4())
    broken = harness.break_it()
    with pytest.raises(MailError) as error:
        broken.send(Mail("smtp-ada@example.com", "Hi", "secret body", "welcome"), idempotency_key=key)
    assert "secret body" not in str(error.value) and "smtp-ada" not in str(error.value)
    assert [sent for sent in harness.sent() if sent[0] == key] == []
