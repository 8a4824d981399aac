"""End-to-end: the whole local stack, driven through the local gateway like the app does.

The tests call it through the client generated from the contract (`wellness_api_client`):
`op.sync_detailed(client=…, body=Model(…))`, then `ok(answer, Model, status)` for the parsed
model or `refused(answer, status)` for the error's code. Only a test that sends what the
contract forbids uses raw HTTP, and says why.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Protocol, TypeVar

import pytest
import requests

from devstack.stack import accounts
from wellness_api_client import AuthenticatedClient, Client
from wellness_api_client.models import Error
from wellness_api_client.types import Response

M = TypeVar("M")


@dataclasses.dataclass(frozen=True)
class User:
    """A new account and the generated client calling as it."""

    account: accounts.Account
    client: AuthenticatedClient

    @property
    def id(self) -> str:
        return self.account.user_id

    @property
    def email(self) -> str:
        return self.account.email

    @property
    def token(self) -> str:
        return self.account.session.access_token


class SignUp(Protocol):
    def __call__(self, verified: bool = True, *, display_name: str = ..., timezone: str = ...) -> User: ...


@pytest.fixture(scope="session")
def gateway(local_stack: Any) -> str:
    return str(local_stack.gateway_url)


@pytest.fixture(scope="session")
def anonymous(gateway: str) -> Client:
    return accounts.client(gateway)


@pytest.fixture(scope="session")
def sign_up(local_stack: Any, gateway: str) -> SignUp:
    """A new account (devstack.stack.accounts.sign_up); `verified` (the default): its mailed link confirmed."""

    def new_user(verified: bool = True, *, display_name: str = "Ada", timezone: str = "Europe/Lisbon") -> User:
        account = accounts.sign_up(
            gateway,
            email=f"e2e-{uuid.uuid4().hex[:10]}@example.com",
            display_name=display_name,
            timezone=timezone,
            mail_dir=local_stack.mail_dir if verified else None,
        )
        return User(account, accounts.authenticated(gateway, account.session.access_token))

    return new_user


class Api:
    """Raw HTTP to the gateway, for tests/security and tests/robustness only (they import it from here).

    Those suites send what the contract forbids (hostile bodies, tampered headers), which the
    generated client cannot; the e2e tests here use the generated client.
    """

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


def ok(answer: Response[Any], model: type[M], status: int = 200) -> M:
    """The answer's parsed model, asserting its status."""
    assert answer.status_code == status, answer.content
    assert isinstance(answer.parsed, model), answer.content
    return answer.parsed


def refused(answer: Response[Any], status: int) -> str:
    """The error's code, asserting the status and that the error body carries the answer's request id."""
    assert answer.status_code == status, answer.content
    assert isinstance(answer.parsed, Error), answer.content
    assert answer.parsed.error.request_id == answer.headers["X-Request-Id"]
    return answer.parsed.error.code


def eventually(check: Callable[[], Any], timeout: float = 5.0, interval: float = 0.1) -> Any:
    """The value of check() once it is truthy; fails after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s")
        time.sleep(interval)
