"""auth-logout, loaded as deployed: the access token's session ends; its refresh token stops working."""

import uuid

import jwt
import pytest

from wellness.platform.identity import userinfo_header

pytestmark = pytest.mark.functional


def test_logout_ends_the_session(load_function) -> None:
    account = {
        "email": f"{uuid.uuid4().hex[:10]}@example.com",
        "password": "correct horse battery",
        "displayName": "Ada",
        "timezone": "UTC",
    }
    session = load_function("auth-signup").post("/v1/auth/signup", json=account).get_json()
    claims = jwt.decode(session["accessToken"], options={"verify_signature": False})
    assert load_function("auth-logout").post("/v1/auth/logout", headers=userinfo_header(claims)).status_code == 204
    refused = load_function("auth-refresh").post("/v1/auth/refresh", json={"refreshToken": session["refreshToken"]})
    assert refused.status_code == 401


def test_logout_needs_a_caller(load_function) -> None:
    assert load_function("auth-logout").post("/v1/auth/logout").status_code == 401


def test_with_verify_forwarded_token_the_bearer_token_itself_must_verify(
    load_function, signing_keyset_json, jwks_uri
) -> None:
    from wellness.auth.keys import Keyset, new_keyset_json
    from wellness.auth.tokens import TokenIssuer

    client = load_function("auth-logout", VERIFY_FORWARDED_TOKEN="true", JWT_JWKS_URI=jwks_uri)
    mine = TokenIssuer(
        Keyset.from_json(signing_keyset_json), issuer="wellness-test", audience="wellness-app", ttl_seconds=60
    )
    forged = TokenIssuer(
        Keyset.from_json(new_keyset_json()), issuer="wellness-test", audience="wellness-app", ttl_seconds=60
    )
    userinfo = userinfo_header({"sub": "u1"})
    ok = {**userinfo, "X-Forwarded-Authorization": f"Bearer {mine.access_token('u1')}"}
    assert client.post("/v1/auth/logout", headers=ok).status_code == 204
    for bad in (
        {},
        {"X-Forwarded-Authorization": f"Bearer {forged.access_token('u1')}"},
        {"Authorization": f"Bearer {mine.access_token('someone-else')}"},
    ):
        assert client.post("/v1/auth/logout", headers={**userinfo, **bad}).status_code == 401, bad


def test_logout_never_reads_the_signing_keys(load_function, monkeypatch) -> None:
    # It is not granted the secret in the cloud (functions/catalog.yaml): starting and serving must not need it.
    monkeypatch.delenv("SECRET_JWT_SIGNING_KEYS", raising=False)
    client = load_function("auth-logout", SECRET_JWT_SIGNING_KEYS="")
    caller = userinfo_header({"sub": "u1", "sid": str(uuid.uuid4())})
    assert client.post("/v1/auth/logout", headers=caller).status_code == 204
