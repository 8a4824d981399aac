"""What other domains may use of auth: how reset and verification links are made (notifications mails them).

The link's token is derived from the reset id with the secret `password-reset-key`,
so `password.reset_requested` carries no credential; the subscriber that mails the
link derives it with the same key, and auth-password-reset-confirm checks it.

    >>> token = reset_token(b"k" * 32, "0b6f1f55-8f6e-4c36-9a55-3d0f0f7c2a11")
    >>> reset_link(password_reset_url({}), token).startswith("https://app.wellness.invalid/reset-password?token=")
    True
    >>> RESET_KEY_SECRET
    'password-reset-key'
"""

from __future__ import annotations

from .reset_tokens import RESET_KEY_SECRET, reset_link, reset_token, verification_token
from .settings import email_verification_url, password_reset_url

__all__ = [
    "RESET_KEY_SECRET",
    "email_verification_url",
    "password_reset_url",
    "reset_link",
    "reset_token",
    "verification_token",
]
