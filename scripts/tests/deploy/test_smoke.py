"""scripts/smoke leaves no account behind: it deletes its own, also when a step after sign-up fails.

The whole journey runs against the local stack in the e2e tier (tests/e2e/test_smoke_script.py).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from devstack import smoke

pytestmark = pytest.mark.unit


class FakeGateway:
    """Just enough of the API for the journey, at the port smoke uses (a requests.Session)."""

    def __init__(self, broken_patch: bool = False, broken_delete: bool = False) -> None:
        self.accounts: dict[str, dict[str, Any]] = {}
        self.profiles: dict[str, dict[str, Any]] = {}
        self.broken_patch = broken_patch
        self.broken_delete = broken_delete
        self.calls: list[str] = []

    def request(self, method: str, url: str, headers: dict[str, str], timeout: float, **kwargs: Any) -> Any:
        path = "/" + url.split("/", 3)[3]
        self.calls.append(f"{method} {path}")
        body = kwargs.get("json") or {}
        user = headers.get("Authorization", "").removeprefix("Bearer ") or None
        if path == "/v1/auth/signup":
            self.accounts[body["email"]] = {"id": "u1", "password": body["password"]}
            self.profiles["u1"] = {"userId": "u1"}
            return answer(201, {"user": {"id": "u1"}, "accessToken": "u1"})
        if path == "/v1/auth/login":
            account = self.accounts.get(body["email"])
            if not account or account["password"] != body["password"]:
                return answer(401, {"error": {"code": "unauthorized"}})
            return answer(200, {"user": {"id": account["id"]}, "accessToken": account["id"], "refreshToken": "r1"})
        if path == "/v1/auth/refresh" and body.get("refreshToken") == "r1":
            return answer(200, {"user": {"id": "u1"}, "accessToken": "u1", "refreshToken": "r2"})
        if user is None:
            return answer(401, {"error": {"code": "unauthorized"}})
        if path == "/v1/me/profile" and method == "PATCH":
            if self.broken_patch:
                return answer(500, {"error": {"code": "internal"}})
            self.profiles[user].update(body)
            return answer(200, self.profiles[user])
        if path == "/v1/me/profile":
            return answer(200, self.profiles[user])
        if path == "/v1/me" and method == "DELETE":
            if self.broken_delete:
                return answer(503, {"error": {"code": "unavailable"}})
            self.accounts = {e: a for e, a in self.accounts.items() if a["id"] != user}
            return answer(204, None)
        return answer(404, {"error": {"code": "not_found"}})


def answer(status: int, body: Any) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = b"" if body is None else json.dumps(body).encode()
    response.headers["X-Request-Id"] = "r1"
    return response


def run(gateway: FakeGateway) -> smoke.Journey:
    return smoke.journey("https://gateway.example", event_timeout=0, http=gateway)  # type: ignore[arg-type]


def test_a_failure_after_sign_up_still_deletes_the_account_and_is_reported() -> None:
    gateway = FakeGateway(broken_patch=True)
    with pytest.raises(smoke.SmokeFailure, match="patch and read back"):
        run(gateway)
    assert gateway.accounts == {} and "DELETE /v1/me" in gateway.calls


def test_a_step_the_fake_cannot_serve_fails_the_smoke_and_still_deletes_the_account() -> None:
    gateway = FakeGateway()
    with pytest.raises(smoke.SmokeFailure, match="programs listed"):  # the fake knows no programs
        run(gateway)
    assert gateway.accounts == {} and gateway.calls[-2:] == ["DELETE /v1/me", "POST /v1/auth/login"]


def test_deleting_the_account_ends_with_its_password_refused_and_a_failed_deletion_fails() -> None:
    gateway = FakeGateway()
    journey = smoke.Journey(gateway, "https://gateway.example", 0, None, token="u1")  # type: ignore[arg-type]
    gateway.request("POST", "https://gateway.example/v1/auth/signup", {}, 1, json={"email": "a@x", "password": "p"})
    smoke._delete_account(journey, {"email": "a@x", "password": "p"})
    assert journey.done == ["account deleted"] and gateway.accounts == {}
    broken = FakeGateway(broken_delete=True)
    with pytest.raises(smoke.SmokeFailure, match="account deleted"):
        smoke._delete_account(smoke.Journey(broken, "https://g", 0, None, token="u1"), {"email": "a", "password": "p"})  # type: ignore[arg-type]
