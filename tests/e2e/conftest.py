"""End-to-end: the whole local stack, driven through the local gateway like the app does."""

from __future__ import annotations

import time
import uuid
from typing import Any, Callable

import pytest
import requests


class Api:
    """A tiny client of the gateway, as the mobile app would call it."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.http = requests.Session()

    def call(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.request(method, self.base_url + path, headers=headers, timeout=20, **kwargs)

    def sign_up(self, **overrides: str) -> dict[str, Any]:
        account = {
            "email": f"e2e-{uuid.uuid4().hex[:10]}@example.com",
            "password": "correct horse battery",
            "displayName": "Ada",
            "timezone": "Europe/Lisbon",
            **overrides,
        }
        response = self.call("POST", "/v1/auth/signup", json=account)
        assert response.status_code == 201, response.text
        return {**response.json(), "password": account["password"]}


@pytest.fixture(scope="session")
def api(local_stack: Any) -> Api:
    return Api(local_stack.gateway_url)


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
