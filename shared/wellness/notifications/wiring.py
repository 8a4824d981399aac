"""Builds the notification service from a function's runtime: the mailer its settings name, the reset links.

Usage::

    notifications = notification_service(function_runtime("postgres"))
"""

from __future__ import annotations

from ..auth import public as auth
from ..platform.runtime import Runtime
from ..platform.secrets import SecretSource
from .adapters import PostgresNotificationsStore
from .mailers import MAILJET_SECRET, MailjetMailer, SmtpMailer
from .ports import Mailer
from .service import NotificationService
from .settings import MailSettings


def mailer(settings: MailSettings, secrets: SecretSource) -> Mailer:
    """The local SMTP sink, or Mailjet in the cloud (its key read when sending, so a rotation needs no redeploy)."""
    if settings.backend == "mailjet":
        return MailjetMailer(settings.mailjet_url, settings.mail_from, lambda: secrets.get(MAILJET_SECRET))
    return SmtpMailer(settings.smtp_host, settings.smtp_port, settings.mail_from)


def notification_service(runtime: Runtime) -> NotificationService:
    reset_url = auth.password_reset_url(runtime.env)

    def reset_link(reset_id: str) -> str:
        key = runtime.secrets.get(auth.RESET_KEY_SECRET).encode()  # per mail: a rotated key needs no redeploy
        return auth.reset_link(reset_url, auth.reset_token(key, reset_id))

    verify_url = auth.email_verification_url(runtime.env)

    def verification_link(verification_id: str) -> str:
        key = runtime.secrets.get(auth.RESET_KEY_SECRET).encode()
        return auth.reset_link(verify_url, auth.verification_token(key, verification_id))

    return NotificationService(
        runtime.postgres_unit_of_work(PostgresNotificationsStore),
        mailer(MailSettings.from_env(runtime.env), runtime.secrets),
        reset_link=reset_link,
        verification_link=verification_link,
    )
