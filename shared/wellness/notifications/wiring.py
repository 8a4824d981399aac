"""The mailer a function uses, from its settings: the local SMTP sink, or Mailjet in the cloud."""

from __future__ import annotations

from ..runtime import Runtime
from .mailer import Mailer, MailjetMailer, SmtpMailer

MAILJET_SECRET = "mailjet-api-key"  # noqa: S105 - a secret's name


def mailer(runtime: Runtime) -> Mailer:
    settings = runtime.settings
    if settings.mail_backend == "mailjet":
        return MailjetMailer(settings.mailjet_url, settings.mail_from, lambda: runtime.secrets.get(MAILJET_SECRET))
    return SmtpMailer(settings.smtp_host, settings.smtp_port, settings.mail_from)
