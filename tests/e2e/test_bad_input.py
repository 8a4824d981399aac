"""Bad input through the gateway: a clear 4xx with the error body and a request id, never a 500."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from devstack.stack import accounts
from wellness_api_client import Client
from wellness_api_client.api.profile import profile_get_mine, profile_update_mine
from wellness_api_client.models import Profile, ProfilePatch

from ..security.tampered import tampered_tokens
from .conftest import SignUp, eventually, ok, refused

pytestmark = pytest.mark.e2e


def assert_error(response: Any, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details", "requestId"}
    assert error["requestId"] == response.headers["X-Request-Id"]
    if code:
        assert error["code"] == code
    assert "Traceback" not in response.text


def signup_body(**overrides: Any) -> dict[str, Any]:
    base = {"email": f"{uuid.uuid4().hex[:8]}@example.com", "password": "correct horse battery"}
    return {**base, "displayName": "A", "timezone": "UTC", **overrides}


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"content": b"{not json", "headers": {"Content-Type": "application/json"}}, 400, "malformed_json"),
        ({"json": signup_body(email=["a@b.co"])}, 400, "validation_failed"),
        ({"json": signup_body(displayName=7)}, 400, "validation_failed"),
        ({"json": signup_body(isAdmin=True)}, 400, "validation_failed"),
        ({"json": {}}, 400, "validation_failed"),
        ({"json": signup_body(bio="x" * 100_000)}, 413, "payload_too_large"),
        ({"content": b"email=a", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 415, None),
    ],
)
def test_bad_signup_bodies(anonymous: Client, kwargs: dict[str, Any], status: int, code: str | None) -> None:
    # Raw HTTP: bodies the contract forbids, which the generated client cannot send.
    assert_error(anonymous.get_httpx_client().post("/v1/auth/signup", **kwargs), status, code)


def test_bad_profile_patch_changes_nothing(sign_up: SignUp) -> None:
    me = sign_up(verified=False).client
    before = eventually(lambda: (r := profile_get_mine.sync_detailed(client=me)).status_code == 200 and r, timeout=20)
    # Raw HTTP: bodies the contract forbids (an unknown field, a wrong type, not an object).
    for body in ({"userId": "someone-else"}, {"bio": 12}, [1, 2]):
        json_type = {"Content-Type": "application/json"}
        answer = me.get_httpx_client().patch("/v1/me/profile", content=json.dumps(body), headers=json_type)
        assert_error(answer, 400)
    # Too long a bio is only a constraint of the contract's schema: the generated client sends it.
    assert refused(profile_update_mine.sync_detailed(client=me, body=ProfilePatch(bio="x" * 501)), 400)
    assert ok(profile_get_mine.sync_detailed(client=me), Profile) == ok(before, Profile)


def test_tokens_the_gateway_must_refuse(local_stack: Any, gateway: str, anonymous: Client) -> None:
    """The tokens (tests/security/tampered.py) on one route; tests/security runs them on every protected one."""
    env = local_stack.env
    tokens, good = tampered_tokens(env["SECRET_JWT_SIGNING_KEYS"], env["JWT_ISSUER"], env["JWT_AUDIENCE"])
    for name, token in tokens.items():
        caller = accounts.authenticated(gateway, token) if token else anonymous  # "none": no token at all
        answer = profile_get_mine.sync_detailed(client=caller)
        assert refused(answer, 401), name
        assert b"Traceback" not in answer.content
    control = profile_get_mine.sync_detailed(client=accounts.authenticated(gateway, good))
    assert control.status_code == 404  # the control: let through
