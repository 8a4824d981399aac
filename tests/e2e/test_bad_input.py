"""Bad input through the gateway: a clear 4xx with the error body and a request id, never a 500."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import uuid
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from wellness.auth.keys import Keyset, new_keyset_json

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
    token = api.sign_up()["accessToken"]
    before = eventually(lambda: (r := api.call("GET", "/v1/me/profile", token)).status_code == 200 and r.json())
    json_type = {"Content-Type": "application/json"}
    for body in ({"userId": "someone-else"}, {"bio": 12}, [1, 2], {"bio": "x" * 501}):
        assert_error(api.call("PATCH", "/v1/me/profile", token, data=json.dumps(body), headers=json_type), 400)
    assert api.call("GET", "/v1/me/profile", token).json() == before


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(dt.datetime.now(dt.UTC).timestamp())
    base = {"iss": "wellness-local", "aud": "wellness-app", "sub": "x", "iat": now, "nbf": now, "exp": now + 300}
    return {**base, **overrides}


def forged_hs256(payload: dict[str, Any], secret: bytes, kid: str) -> str:
    """HS256 signed with the RSA public key: the classic algorithm-confusion attack (PyJWT refuses to make one)."""

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    header = {"alg": "HS256", "typ": "JWT", "kid": kid}
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())}"


def test_tokens_the_gateway_must_refuse(api: Api, local_stack: Any) -> None:
    real = Keyset.from_json(local_stack.env["SECRET_JWT_SIGNING_KEYS"])
    other = Keyset.from_json(new_keyset_json())
    kid = real.current.kid
    public_pem = real.current.private_key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    good = claims(iss=local_stack.env["JWT_ISSUER"], aud=local_stack.env["JWT_AUDIENCE"])
    past = good["iat"] - 7200
    tokens = {
        "none": None,
        "garbage": "not-a-jwt",
        "bad signature (another key, our kid)": jwt.encode(
            good, other.current.private_key, algorithm="RS256", headers={"kid": kid}
        ),
        "unknown key": other.sign(good),
        "alg none": jwt.encode(good, None, algorithm="none", headers={"kid": kid}),
        "HS256 with the public key": forged_hs256(good, public_pem, kid),
        "expired": real.sign({**good, "exp": past + 3600, "iat": past, "nbf": past}),
        "not yet valid": real.sign({**good, "nbf": good["iat"] + 3600}),
        "wrong issuer": real.sign({**good, "iss": "someone-else"}),
        "wrong audience": real.sign({**good, "aud": "another-app"}),
    }
    for name, token in tokens.items():
        response = api.call("GET", "/v1/me/profile", token)
        assert response.status_code == 401, name
        assert_error(response, 401)
    assert api.call("GET", "/v1/me/profile", real.sign(good)).status_code == 404  # the control: let through
