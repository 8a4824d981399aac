"""scripts/smoke leaves no account behind (it deletes its own, also when a step after sign-up fails),
and verifies its account with the smoke key, after the verification mail is recorded.

The whole journey runs against the local stack in the e2e tier (tests/e2e/test_smoke_script.py);
here a fake API answers through httpx's MockTransport, below the generated client.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from devstack import smoke
from devstack.catalog import REPO_ROOT
from wellness.auth.reset_tokens import parse_smoke_verification_token
from wellness_api_client.models import SignupRequest

pytestmark = pytest.mark.unit

USER = "0b7a9a52-4fa5-4a0e-9c1e-2d6f1b0c3a11"
LINK = "7a9e2f3c-1b4d-4e5f-8a6b-9c0d1e2f3a4b"
KEY = b"the-smoke-key"


@cache
def contract_export() -> dict[str, Any]:
    """The contract's own example of GET /v1/me/export (so the fake's answer is one the client parses)."""
    document = yaml.safe_load((REPO_ROOT / "contracts/openapi.yaml").read_text())
    return dict(document["definitions"]["AccountExport"]["example"])


class FakeGateway:
    """Just enough of the API for the journey's first steps and its deletion."""

    def __init__(self, broken_patch: bool = False, broken_delete: bool = False, mail_recorded: bool = True) -> None:
        self.accounts: dict[str, dict[str, Any]] = {}
        self.profiles: dict[str, dict[str, Any]] = {}
        self.broken_patch = broken_patch
        self.broken_delete = broken_delete
        self.mail_recorded = mail_recorded  # the notifications subscriber recorded the verification mail
        self.verified = False
        self.calls: list[str] = []

    def export(self) -> dict[str, Any]:
        """The account's export: one open verification link; its mail recorded as the cloud records it."""
        document = copy.deepcopy(contract_export())
        document["auth"]["emailVerifications"] = [{"id": LINK, "userId": USER, "usedAt": None}]
        mail = {"eventId": LINK, "kind": "email_verification", "userId": USER, "providerId": "not-sent:.invalid"}
        document["notifications"]["sentMail"] = [mail] if self.mail_recorded else []
        return document

    def session(self) -> dict[str, Any]:
        user = {"id": USER, "email": "smoke@example.com", "displayName": "Smoke Test"}
        return {"user": user, "accessToken": USER, "refreshToken": "r1", "tokenType": "Bearer", "expiresIn": 900}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        method, path = request.method, request.url.path
        self.calls.append(f"{method} {path}")
        body = json.loads(request.content) if request.content else {}
        user = request.headers.get("Authorization", "").removeprefix("Bearer ") or None
        if path == "/v1/auth/signup":
            self.accounts[body["email"]] = {"id": USER, "password": body["password"]}
            stamp = {"createdAt": "2026-12-07T10:00:00Z", "updatedAt": "2026-12-07T10:00:00Z"}
            self.profiles[USER] = {"userId": USER, "displayName": "Smoke Test", "timezone": "UTC", "bio": "", **stamp}
            return answer(201, self.session())
        if path == "/v1/auth/login":
            account = self.accounts.get(body["email"])
            if not account or account["password"] != body["password"]:
                return answer(401, error("unauthorized"))
            return answer(200, self.session())
        if path == "/v1/auth/refresh" and body.get("refreshToken") == "r1":
            return answer(200, self.session())
        if path == "/v1/auth/email-verification/confirm":  # auth-verify-email's rule, with the smoke key
            self.verified = parse_smoke_verification_token(KEY, body["token"]) == LINK
            return answer(204, None) if self.verified else answer(400, error("invalid_verification_token"))
        if user is None:
            return answer(401, error("unauthorized"))
        if path == "/v1/me/profile" and method == "PATCH":
            if self.broken_patch:
                return answer(500, error("internal"))
            self.profiles[user].update(body)
            return answer(200, self.profiles[user])
        if path == "/v1/me/profile":
            return answer(200, self.profiles[user])
        if path == "/v1/me/export":
            return answer(200, self.export())
        if path == "/v1/me" and method == "DELETE":
            if self.broken_delete:
                return answer(503, error("unavailable"))
            self.accounts = {e: a for e, a in self.accounts.items() if a["id"] != user}
            return answer(204, None)
        return answer(404, error("not_found"))


def error(code: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": code, "details": [], "requestId": "r1"}}


def answer(status: int, body: Any) -> httpx.Response:
    content = b"" if body is None else json.dumps(body).encode()
    return httpx.Response(status, content=content, headers={"X-Request-Id": "r1", "Content-Type": "application/json"})


def run(gateway: FakeGateway, key: bytes | None = None) -> smoke.Journey:
    return smoke.journey(
        "https://gateway.example", event_timeout=0, smoke_key=key, transport=httpx.MockTransport(gateway)
    )


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


@pytest.mark.parametrize("broken", [False, True])
def test_deleting_the_account_ends_with_its_password_refused_and_a_failed_deletion_fails(broken: bool) -> None:
    gateway = FakeGateway(broken_delete=broken)
    account = SignupRequest(email="a@example.com", password="p", display_name="A", timezone="UTC")  # noqa: S106
    journey = smoke.Journey("https://gateway.example", 0, None, httpx.MockTransport(gateway), token=USER)
    gateway(httpx.Request("POST", "https://gateway.example/v1/auth/signup", json=account.to_dict()))
    if broken:
        with pytest.raises(smoke.SmokeFailure, match="account deleted"):
            smoke._delete_account(journey, account)
        return
    smoke._delete_account(journey, account)
    assert journey.done == ["account deleted"] and gateway.accounts == {}


def test_with_the_smoke_key_the_account_is_verified_through_its_own_link() -> None:
    gateway = FakeGateway()
    with pytest.raises(smoke.SmokeFailure, match="programs listed"):  # as far as the fake goes
        run(gateway, KEY)
    assert gateway.verified and gateway.accounts == {}


def test_a_wrong_smoke_key_fails_the_smoke_at_verification_and_still_deletes_the_account() -> None:
    gateway = FakeGateway()
    with pytest.raises(smoke.SmokeFailure, match="e-mail verified"):
        run(gateway, b"another key")
    assert not gateway.verified and gateway.accounts == {}


def test_a_verification_mail_never_recorded_fails_the_smoke_with_or_without_a_key() -> None:
    """The mail is the candidate notifications subscriber's work: in the cloud too, where none is sent."""
    for key in (KEY, None):
        gateway = FakeGateway(mail_recorded=False)
        with pytest.raises(smoke.SmokeFailure, match="verification mail recorded"):
            run(gateway, key)
        assert gateway.accounts == {} and "POST /v1/auth/email-verification/confirm" not in gateway.calls


def test_an_empty_smoke_key_file_fails_the_smoke_before_any_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """deploy.yml pipes the secret in: if the deployer could not read it, the smoke says so, not a silent skip."""
    empty = tmp_path / "smoke-key"
    empty.write_text("\n")
    assert smoke.main(["--base-url", "http://127.0.0.1:9", "--smoke-key-file", str(empty)]) == 1
    assert "smoke key file" in capsys.readouterr().err
