"""A mailer that records what it would send, and the sent-mail record in memory.

Reset links are made as the real wiring makes them (auth's public derivation) with
RESET_KEY and RESET_URL, so a test can check the token a mail carries.

    >>> mailer = FakeMailer()
    >>> service, uow = fake_notification_service(mailer)
    >>> mailer.send(Mail("a@example.com", "Hi", "Hello", "welcome"), idempotency_key="e-1")
    'fake-1'
    >>> uow.state.sent_mail
    {}
"""

from __future__ import annotations

import dataclasses

from wellness.auth import public as auth
from wellness.notifications.model import Mail, SentMailRecord
from wellness.notifications.ports import MailError
from wellness.notifications.service import NotificationService

from . import FakeState, FakeTransaction, FakeUnitOfWork

RESET_KEY = b"test-password-reset-key"
RESET_URL = "https://app.test/reset"


class FakeMailer:
    """Records what would be sent, as (idempotency key, mail); `fail` makes the next sends raise, to test retries."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Mail]] = []
        self.fail = False

    def send(self, mail: Mail, *, idempotency_key: str) -> str:
        if self.fail:
            raise MailError("the fake mailer is set to fail")
        self.sent.append((idempotency_key, mail))
        return f"fake-{len(self.sent)}"


@dataclasses.dataclass
class NotificationsState(FakeState):
    sent_mail: dict[str, SentMailRecord] = dataclasses.field(default_factory=dict)  # by event id


class FakeSentMail:
    def __init__(self, state: NotificationsState):
        self._state = state

    def add(self, record: SentMailRecord) -> None:
        if record.event_id in self._state.sent_mail:
            raise ValueError("a mail was recorded for this event already")  # the primary key refuses it too
        self._state.sent_mail[record.event_id] = record

    def get(self, event_id: str) -> SentMailRecord | None:
        return self._state.sent_mail.get(event_id)

    def erase_user(self, user_id: str) -> int:
        gone = [event_id for event_id, record in self._state.sent_mail.items() if record.user_id == user_id]
        for event_id in gone:
            del self._state.sent_mail[event_id]
        return len(gone)


class FakeNotificationsStore(FakeTransaction):
    state: NotificationsState

    @property
    def sent_mail(self) -> FakeSentMail:
        return FakeSentMail(self.state)


def reset_link(reset_id: str) -> str:
    """The link the real wiring would mail, with RESET_KEY and RESET_URL."""
    return auth.reset_link(RESET_URL, auth.reset_token(RESET_KEY, reset_id))


def fake_notification_service(
    mailer: FakeMailer | None = None,
) -> tuple[NotificationService, FakeUnitOfWork[FakeNotificationsStore, NotificationsState]]:
    """A service on fakes; pass your FakeMailer to see what it sends."""
    uow = FakeUnitOfWork(FakeNotificationsStore, NotificationsState())
    return NotificationService(uow, mailer or FakeMailer(), reset_link=reset_link), uow
