"""Accounts through the public API, the one place a tool or test signs a user up.

Every tool and suite that needs a user (the seed, the contract fuzzer, the benches, the e2e,
security and robustness suites) gets it from `sign_up`, through the client generated from the
contract (`wellness_api_client`). Only verified accounts may post, comment, react and report,
so with the local stack's mail folder the account is verified the way the app's user does it:
the link in the mail the stack's SMTP sink received is confirmed, then the session refreshed
(its new access token says email_verified).

    Usage::

        account = sign_up(gateway, mail_dir=stack.mail_dir, display_name="Ada")
        account.session.access_token      # verified
        account.as_json()                 # the session as the API answered it, with the password
"""

from __future__ import annotations

import dataclasses
import re
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from devstack.stack.mailsink import newest_first
from wellness_api_client import AuthenticatedClient, Client
from wellness_api_client.api.auth import auth_refresh, auth_signup, auth_verify_email
from wellness_api_client.api.profile import profile_get_mine
from wellness_api_client.models import EmailVerificationConfirm, RefreshRequest, Session, SignupRequest
from wellness_api_client.types import Response

VERIFICATION_SUBJECT = "Confirm your e-mail"
TOKEN_IN_LINK = re.compile(r"https?://\S+\?token=([^\s&]+)")
PASSWORD = "correct horse battery"  # noqa: S105 - throwaway accounts of tests and tools


class AccountError(RuntimeError):
    """The API refused a step; `status` is its answer's."""

    def __init__(self, step: str, response: Response[Any]):
        super().__init__(f"{step}: {int(response.status_code)} {response.content[:300]!r}")
        self.status = int(response.status_code)


@dataclasses.dataclass(frozen=True)
class Account:
    email: str
    password: str
    session: Session  # the newest: after verification, the refreshed one
    verified: bool
    request_id: str  # the sign-up answer's X-Request-Id

    @property
    def user_id(self) -> str:
        return str(self.session.user.id)

    def as_json(self) -> dict[str, Any]:
        """The session as the API's JSON (accessToken, refreshToken, user…) and the password."""
        return {**self.session.to_dict(), "password": self.password}


def client(base_url: str, timeout: float = 30.0, transport: httpx.BaseTransport | None = None) -> Client:
    """An anonymous client of the gateway at `base_url` (the generated one)."""
    args = {"transport": transport} if transport else {}
    return Client(base_url=base_url.rstrip("/"), timeout=httpx.Timeout(timeout), httpx_args=args)


def sign_up(
    base_url: str,
    *,
    email: str | None = None,
    password: str = PASSWORD,
    display_name: str = "Ada",
    timezone: str = "Europe/Lisbon",
    mail_dir: Path | None = None,
    timeout: float = 30.0,
    transport: httpx.BaseTransport | None = None,  # tests give a fake one
) -> Account:
    """A new account (`email` defaults to a fresh `user-<random>@example.com`); verified when `mail_dir` is given.

    Raises AccountError for an answer other than 201 (its `status`: 409 for an address taken,
    429 when throttled); the caller decides what that means.
    """
    anonymous = client(base_url, timeout, transport)
    email = email or f"user-{uuid.uuid4().hex[:12]}@example.com"
    body = SignupRequest(email=email, password=password, display_name=display_name, timezone=timezone)
    answer = auth_signup.sync_detailed(client=anonymous, body=body)
    if answer.status_code != 201 or not isinstance(answer.parsed, Session):
        raise AccountError(f"sign up {email}", answer)
    request_id = answer.headers.get("X-Request-Id", "")
    if mail_dir is None:
        return Account(email, password, answer.parsed, verified=False, request_id=request_id)
    session = verify(base_url, mail_dir, email, answer.parsed.refresh_token, timeout, transport)
    return Account(email, password, session, verified=True, request_id=request_id)


def mailed_token(mail_dir: Path, to: str, subject: str, timeout: float = 30.0) -> str:
    """The token of the link in the newest mail to `to` whose subject has `subject`, waiting for it to arrive.

    Each poll reads only the mails that arrived since the last one (`newest_first`): a folder
    of thousands of mails costs one pass, not one per poll (under Locust's gevent, a full
    re-read every 0.2 s by three users starved the load run until it ended).
    """
    deadline = time.monotonic() + timeout
    looked_at: set[str] = set()
    while True:
        for message in newest_first(mail_dir, lambda m: m["To"] == to and subject in str(m["Subject"]), looked_at):
            found = TOKEN_IN_LINK.search(message.get_content())
            if found:
                return found.group(1)
        if time.monotonic() > deadline:
            raise TimeoutError(f"no mail to {to} about {subject!r} within {timeout:.0f} s in {mail_dir}")
        time.sleep(0.2)


def verify(
    base_url: str,
    mail_dir: Path,
    email: str,
    refresh_token: str,
    timeout: float = 30.0,
    transport: httpx.BaseTransport | None = None,
) -> Session:
    """Confirm the verification link mailed to `email`, then refresh: the new session's token says email_verified."""
    anonymous = client(base_url, timeout, transport)
    token = mailed_token(mail_dir, email, VERIFICATION_SUBJECT, timeout)
    confirmed = auth_verify_email.sync_detailed(client=anonymous, body=EmailVerificationConfirm(token=token))
    if confirmed.status_code != 204:
        raise AccountError(f"confirming {email}", confirmed)
    refreshed = auth_refresh.sync_detailed(client=anonymous, body=RefreshRequest(refresh_token=refresh_token))
    if refreshed.status_code != 200 or not isinstance(refreshed.parsed, Session):
        raise AccountError(f"refreshing {email}'s session", refreshed)
    return refreshed.parsed


def authenticated(
    base_url: str, token: str, timeout: float = 30.0, transport: httpx.BaseTransport | None = None
) -> AuthenticatedClient:
    """A client of the gateway at `base_url` calling as the holder of the access token."""
    args = {"transport": transport} if transport else {}
    return AuthenticatedClient(
        base_url=base_url.rstrip("/"), token=token, timeout=httpx.Timeout(timeout), httpx_args=args
    )


def idempotency_key() -> str:
    """A fresh `Idempotency-Key` for one write (the generated operations take it as `idempotency_key=`)."""
    return str(uuid.uuid4())


def wait_for_profile(base_url: str, token: str, timeout: float = 30.0) -> None:
    """Until the new user's profile exists: it is made from `user.created`, a moment after sign-up."""
    me = authenticated(base_url, token)
    deadline = time.monotonic() + timeout
    while (answer := profile_get_mine.sync_detailed(client=me)).status_code != 200:
        if time.monotonic() > deadline:
            raise AccountError(f"no profile {timeout:.0f} s after sign-up", answer)
        time.sleep(0.2)
