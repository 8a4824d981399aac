"""Bad input through the gateway: a clear 4xx with the error body and a request id, never a 500."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from ..security.tampered import tampered_tokens
from .conftest import Api, eventually

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
        ({"data": b"{not json", "headers": {"Content-Type": "application/json"}}, 400, "malformed_json"),
        ({"json": signup_body(email=["a@b.co"])}, 400, "validation_failed"),
        ({"json": signup_body(displayName=7)}, 400, "validation_failed"),
        ({"json": signup_body(isAdmin=True)}, 400, "validation_failed"),
        ({"json": {}}, 400, "validation_failed"),
        ({"json": signup_body(bio="x" * 100_000)}, 413, "payload_too_large"),
        ({"data": b"email=a", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 415, None),
    ],
)
def test_bad_signup_bodies(api: Api, kwargs: dict[str, Any], status: int, code: str | None) -> None:
    assert_error(api.call("POST", "/v1/auth/signup", **kwargs), status, code)


def test_bad_profile_patch_changes_nothing(api: Api) -> None:
    token = api.sign_up(verified=False)["accessToken"]
    before = eventually(
        lambda: (r := api.call("GET", "/v1/me/profile", token)).status_code == 200 and r.json(), timeout=20
    )
    json_type = {"Content-Type": "application/json"}
    for body in ({"userId": "someone-else"}, {"bio": 12}, [1, 2], {"bio": "x" * 501}):
        assert_error(api.call("PATCH", "/v1/me/profile", token, data=json.dumps(body), headers=json_type), 400)
    assert api.call("GET", "/v1/me/profile", token).json() == before


def test_tokens_the_gateway_must_refuse(api: Api, local_stack: Any) -> None:
    """The tokens (tests/security/tampered.py) on one route; tests/security runs them on every protected one."""
    env = local_stack.env
    tokens, good = tampered_tokens(env["SECRET_JWT_SIGNING_KEYS"], env["JWT_ISSUER"], env["JWT_AUDIENCE"])
    for name, token in tokens.items():
        response = api.call("GET", "/v1/me/profile", token)
        assert response.status_code == 401, name
        assert_error(response, 401)
    assert api.call("GET", "/v1/me/profile", good).status_code == 404  # the control: let through
