"""Raw HTTP to the local gateway: the client of the hostile suites (tests/security, tests/robustness).

They send what the contract forbids (hostile bodies, tampered headers, forged tokens), which the
client generated from the contract cannot; every other suite and tool uses that one
(`wellness_api_client`, devstack.stack.accounts).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import requests

from devstack.stack import accounts


class Api:
    """Requests to the gateway as given; `sign_up` and `verify` make accounts the one way (accounts.sign_up)."""

    def __init__(self, base_url: str, mail_dir: Path | None = None):
        self.base_url = base_url
        self.mail_dir = mail_dir
        self.http = requests.Session()

    def call(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.request(method, self.base_url + path, headers=headers, timeout=20, **kwargs)

    def sign_up(
        self,
        verified: bool = True,
        *,
        displayName: str = "Ada",  # noqa: N803 - the API's field names, as the tests write them
        timezone: str = "Europe/Lisbon",
        password: str = accounts.PASSWORD,
    ) -> dict[str, Any]:
        """A new account (devstack.stack.accounts.sign_up), as the API's JSON with its password.

        `verified` (the default): its mailed link confirmed and its session refreshed.
        """
        if verified:
            assert self.mail_dir is not None, "verifying needs the stack's mail folder"
        account = accounts.sign_up(
            self.base_url,
            email=f"e2e-{uuid.uuid4().hex[:10]}@example.com",
            password=password,
            display_name=displayName,
            timezone=timezone,
            mail_dir=self.mail_dir if verified else None,
        )
        return account.as_json()

    def verify(self, session: dict[str, Any]) -> dict[str, Any]:
        """Open the verification link mailed to the account, then refresh: the new token says email_verified."""
        assert self.mail_dir is not None, "verifying needs the stack's mail folder"
        email, refresh = session["user"]["email"], session["refreshToken"]
        verified = accounts.verify(self.base_url, self.mail_dir, email, refresh)
        return {**verified.to_dict(), "password": session["password"]}
