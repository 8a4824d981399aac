"""Mails the product sends, and the record of one sent, as values. Pure: no framework, no SDK, no transport.

>>> mail = welcome_mail({"email": "ada@example.com", "displayName": "Ada"})
>>> mail.subject, mail.kind
('Welcome to Wellness, Ada', 'welcome')
>>> mail                      # a log line or a traceback shows neither the address nor the body
Mail(kind='welcome')
"""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping


@dataclasses.dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    kind: str  # "welcome" | "password_reset" | "email_verification": what the sent-mail record says

    def __repr__(self) -> str:  # a mail in a log or a traceback must not show its address or body
        return f"Mail(kind={self.kind!r})"


@dataclasses.dataclass(frozen=True)
class SentMailRecord:
    """What was sent for an event: never the address or the body."""

    event_id: str
    user_id: str
    kind: str
    provider_id: str  # the provider's message id, to trace a complaint


def welcome_mail(data: Mapping[str, Any]) -> Mail:
    """The mail for `user.created` (its data)."""
    name = data["displayName"]
    text = (
        f"Hello {name},\n\nWelcome to Wellness. Your account is ready: pick a program and "
        "take the first small step today.\n\nThe Wellness team\n"
    )
    return Mail(data["email"], f"Welcome to Wellness, {name}", text, "welcome")


def password_reset_mail(data: Mapping[str, Any], link: str) -> Mail:
    """The mail for `password.reset_requested` (its data), with the link derived for its reset id."""
    text = (
        f"Hello {data['displayName']},\n\nSomeone (we hope you) asked to reset your Wellness password. "
        f"Open this link to choose a new one; it works once, until {data['expiresAt']}:\n\n{link}\n\n"
        "If it was not you, ignore this mail: your password stays as it is.\n"
    )
    return Mail(data["email"], "Reset your Wellness password", text, "password_reset")


def verification_mail(data: Mapping[str, Any], link: str) -> Mail:
    """The mail for `email.verification_requested` (its data), with the link derived for its verification id."""
    text = (
        f"Hello {data['displayName']},\n\nPlease confirm that this is your e-mail address: open this link "
        f"(it works once, until {data['expiresAt']}):\n\n{link}\n\n"
        "Until then you can use Wellness, but not post or comment in the community.\n"
        "If you did not sign up, ignore this mail.\n"
    )
    return Mail(data["email"], "Confirm your e-mail address for Wellness", text, "email_verification")
