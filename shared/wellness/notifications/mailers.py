"""The Mailer adapters: SMTP (the local sink) and Mailjet (the cloud). The fake is in wellness_testing.

Nothing here logs an address or a body. A send that fails raises MailError; the
subscriber then rolls back and nacks, so Pub/Sub delivers the event again.

    >>> mailer = SmtpMailer("127.0.0.1", 1025, "Wellness <no-reply@wellness.invalid>")

    Usage::

        mailer.send(Mail("a@example.com", "Hi", "Hello", "welcome"), idempotency_key="e-1")
        # -> '<...@...>'
"""

from __future__ import annotations

import base64
import json
import smtplib
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Callable

from .model import Mail
from .ports import MailError

MAILJET_SECRET = "mailjet-api-key"  # noqa: S105 - a secret's name


class SmtpMailer:
    def __init__(self, host: str, port: int, sender: str, timeout: float = 10.0):
        self._host, self._port, self._sender, self._timeout = host, port, sender, timeout

    def send(self, mail: Mail, *, idempotency_key: str) -> str:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self._sender, mail.to, mail.subject
        message["Message-ID"] = make_msgid(idstring=idempotency_key.replace("-", ""))
        message["Date"] = formatdate(usegmt=True)
        message["X-Wellness-Event-Id"] = idempotency_key
        message.set_content(mail.text)
        try:
            with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"SMTP {self._host}:{self._port} refused the mail: {type(exc).__name__}") from None
        return str(message["Message-ID"])


# What Mailjet answers instead of a message id for an address no mail can reach.
UNDELIVERABLE = "not-sent:.invalid"


def undeliverable(address: str) -> bool:
    """An address under `.invalid` (RFC 6761 §6.4: never resolves; the release's smoke accounts use one).

    >>> undeliverable("smoke-1@smoke.wellness.invalid"), undeliverable("ada@example.com")
    (True, False)
    """
    return address.rpartition("@")[2].lower().rstrip(".").endswith(".invalid")


class MailjetMailer:
    """Mailjet's Send API v3.1; the secret holds "API_KEY:SECRET_KEY" (basic auth).

    An address under `.invalid` is never handed to Mailjet: no mail can reach it, and a refusal
    would fail the delivery again and again into the dead letter, every release (the smoke's
    accounts live there). It is answered as sent, with UNDELIVERABLE for its id, so the
    sent-mail log says what happened (the release smoke reads that record in its export). The local
    SMTP sink keeps such mail.
    """

    def __init__(self, url: str, sender: str, credentials: Callable[[], str], timeout: float = 10.0):
        self._url, self._credentials, self._timeout = url, credentials, timeout
        self._sender_name, self._sender_email = parseaddr(sender)

    def send(self, mail: Mail, *, idempotency_key: str) -> str:
        if undeliverable(mail.to):
            return UNDELIVERABLE
        body = {
            "Messages": [
                {
                    "From": {"Email": self._sender_email, "Name": self._sender_name},
                    "To": [{"Email": mail.to}],
                    "Subject": mail.subject,
                    "TextPart": mail.text,
                    "CustomID": idempotency_key,
                }
            ]
        }
        auth = base64.b64encode(self._credentials().encode()).decode()
        request = urllib.request.Request(  # noqa: S310 - the URL is a setting (https in the cloud)
            self._url,
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Basic {auth}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
                answer = json.loads(response.read())
            message = answer["Messages"][0]
            if message.get("Status") != "success":
                raise MailError("Mailjet did not accept the mail")
            return str(message["To"][0]["MessageID"])
        except urllib.error.HTTPError as exc:
            exc.close()  # it holds the response's socket
            raise MailError(f"Mailjet answered {exc.code}") from None
        except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
            raise MailError(f"Mailjet could not be reached: {type(exc).__name__}") from None
