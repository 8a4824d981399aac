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
from typing import Any, Callable, Protocol, TypeVar

import pytest

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
