"""Helpers for the auth journeys: the mail the stack's SMTP sink received, and the reset token in it."""

from __future__ import annotations

import re
from typing import Any

from devstack.stack.mailsink import newest_first

from .conftest import eventually

TOKEN_IN_LINK = re.compile(r"(https?://\S+\?token=(\S+))")


def reset_link_for(stack: Any, email: str, timeout: float = 60.0) -> tuple[str, str]:
    """(link, token) from the newest reset mail to email, waiting for it to arrive.

    The mail is two events away (password.reset_submitted, then password.reset_requested): on a
    loaded machine that took more than 10 s once. The wait bounds the test; it is not a speed claim.
    """

    looked_at: set[str] = set()  # each poll reads only the mail that arrived since the last

    def find() -> tuple[str, str] | None:
        reset_mail = lambda m: m["To"] == email and "Reset" in str(m["Subject"])  # noqa: E731
        for message in newest_first(stack.mail_dir, reset_mail, looked_at):
            match = TOKEN_IN_LINK.search(message.get_content())
            if match:
                return match.group(1), match.group(2)
        return None

    return eventually(find, timeout=timeout)
