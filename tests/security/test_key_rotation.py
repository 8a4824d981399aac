"""Key rotation logs nobody out: a token from the previous key still verifies, at the gateway's verifier too."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest

from devstack.gateway.auth import Authenticator
from devstack.gateway.spec import JwtProvider
from wellness.auth.keys import Keyset, new_keyset_json, public_jwks_json
from wellness_testing.jwks import serve_jwks

pytestmark = pytest.mark.functional


def test_tokens_signed_before_a_rotation_keep_working(load_function, signing_keyset_json: str) -> None:
    account = {
        "email": f"rot-{time.time_ns()}@example.com",
        "password": "correct horse battery",
        "displayName": "Ada",
        "timezone": "UTC",
    }
    before = load_function("auth-signup").post("/v1/auth/signup", json=account).get_json()

    rotated = new_keyset_json(previous=signing_keyset_json)  # new key first, the old one kept second
    old_kid = Keyset.from_json(signing_keyset_json).current.kid
    new_kid = Keyset.from_json(rotated).current.kid
    # The rotated environment: both secrets hold the new version (the public one written first).
    env = {"SECRET_JWT_SIGNING_KEYS": rotated, "SECRET_JWT_PUBLIC_KEYS": public_jwks_json(rotated)}
    jwks = load_function("auth-jwks", **env)
    assert {k["kid"] for k in jwks.get("/v1/auth/jwks").get_json()["keys"]} == {old_kid, new_kid}

    login = load_function("auth-login", **env)
    after = login.post("/v1/auth/login", json={"email": account["email"], "password": account["password"]})
    gateway = Authenticator(jwks_cache_seconds=300)
    # The gateway's own check, with the keys the auth-jwks function (loaded in-process) publishes.
    with serve_jwks(lambda: jwks.get("/v1/auth/jwks").get_json()) as uri:
        provider = JwtProvider(name="bearer", issuer="wellness-test", jwks_uri=uri, audiences=("wellness-app",))
        for token, kid in ((before["accessToken"], old_kid), (after.get_json()["accessToken"], new_kid)):
            payload = gateway.verify(token, provider)
            assert json.loads(base64.urlsafe_b64decode(payload + "==="))["sub"] == before["user"]["id"]
            header = jwt.get_unverified_header(token)
            assert header["kid"] == kid and header["typ"] == "at+jwt"
    refreshed = load_function("auth-refresh", **env).post(
        "/v1/auth/refresh", json={"refreshToken": before["refreshToken"]}
    )
    assert refreshed.status_code == 200  # the session outlives the rotation
