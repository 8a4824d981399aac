"""What the notification service needs: a mailer, and the record of what was sent (in the subscriber's transaction)."""

from __future__ import annotations

from typing import Protocol

from ..platform.ports import Transaction
from .model import Mail, SentMailRecord


class MailError(RuntimeError):
    """The mail was not accepted; retrying later may succeed."""


class Mailer(Protocol):
    """Sends mail; never logs an address or a body."""

    def send(self, mail: Mail, *, idempotency_key: str) -> str:
        """Send; return the provider's message id. Raises MailError when the mail was not accepted."""
        ...


class SentMail(Protocol):
    def add(self, record: SentMailRecord) -> None: ...

    def get(self, event_id: str) -> SentMailRecord | None: ...

    def erase_user(self, user_id: str) -> int:
        """Forget every mail sent to the user (the log names the user); how many records went."""
        ...


class NotificationsStore(Transaction, Protocol):
    @property
    def sent_mail(self) -> SentMail: ...
