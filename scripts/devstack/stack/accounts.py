"""Verified accounts on the local stack: the link mailed to the address, confirmed, then a refresh.

Only verified accounts may post, comment, react and report, so every tool that drives
the community through the gateway (the seed, the contract fuzzer, the fault bench, the
load model, the e2e tests) verifies its users the way the app's user does: it opens the
link in the mail the stack's SMTP sink received.

    Usage::

        session = verified_session(gateway, stack.mail_dir, signup["user"]["email"],
                                   signup["refreshToken"])
        session["accessToken"]   # says email_verified
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import requests

from devstack.stack.mailsink import read_mail

VERIFICATION_SUBJECT = "Confirm your e-mail"
TOKEN_IN_LINK = re.compile(r"https?://\S+\?token=([^\s&]+)")


def mailed_token(mail_dir: Path, to: str, subject: str, timeout: float = 30.0) -> str:
    """The token of the link in the newest mail to `to` whose subject has `subject`, waiting for it to arrive."""
    deadline = time.monotonic() + timeout
    while True:
        for message in reversed(read_mail(mail_dir)):
            if message["To"] == to and subject in str(message["Subject"]):
                found = TOKEN_IN_LINK.search(message.get_content())
                if found:
                    return found.group(1)
        if time.monotonic() > deadline:
            raise TimeoutError(f"no mail to {to} about {subject!r} within {timeout:.0f} s in {mail_dir}")
        time.sleep(0.2)


def verified_session(
    base_url: str,
    mail_dir: Path,
    email: str,
    refresh_token: str,
    http: requests.Session | None = None,
    timeout: float = 30.0,
) -> dict[str, Any]:
    """Confirm the verification link mailed to `email`, then refresh: the new session's token says email_verified."""
    http = http or requests.Session()
    token = mailed_token(mail_dir, email, VERIFICATION_SUBJECT, timeout)
    confirmed = http.post(f"{base_url}/v1/auth/email-verification/confirm", json={"token": token}, timeout=timeout)
    if confirmed.status_code != 204:
        raise RuntimeError(f"confirming {email}: {confirmed.status_code} {confirmed.text[:300]}")
    refreshed = http.post(f"{base_url}/v1/auth/refresh", json={"refreshToken": refresh_token}, timeout=timeout)
    if refreshed.status_code != 200:
        raise RuntimeError(f"refreshing {email}'s session: {refreshed.status_code} {refreshed.text[:300]}")
    session: dict[str, Any] = refreshed.json()
    return session
