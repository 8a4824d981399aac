"""The notifications domain's settings: which mailer, and its address and sender.

"smtp" is the local sink (the default locally), "mailjet" the provider in the cloud
(the default in qa and prod; its key is the secret `mailjet-api-key`).

    >>> MailSettings.from_env({}).backend, MailSettings.from_env({"APP_ENV": "prod"}).backend
    ('smtp', 'mailjet')
    >>> MailSettings.from_env({"SMTP_PORT": "2525"}).smtp_port
    2525
"""

from __future__ import annotations

import dataclasses
from typing import Mapping

from ..platform.config import env_choice, env_int, env_str, is_cloud

BACKENDS = ("smtp", "mailjet")


@dataclasses.dataclass(frozen=True)
class MailSettings:
    backend: str  # smtp | mailjet
    smtp_host: str
    smtp_port: int
    mail_from: str
    mailjet_url: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> MailSettings:
        return cls(
            backend=env_choice(env, "MAIL_BACKEND", "mailjet" if is_cloud(env) else "smtp", BACKENDS),
            smtp_host=env_str(env, "SMTP_HOST") or "127.0.0.1",
            smtp_port=env_int(env, "SMTP_PORT", 1025),
            mail_from=env_str(env, "MAIL_FROM") or "Wellness <no-reply@wellness.invalid>",
            mailjet_url=env_str(env, "MAILJET_URL") or "https://api.mailjet.com/v3.1/send",
        )
