"""A function starts before its secrets have a version, as a first release needs.

The deploy creates the services (the candidate apply) before its secrets step gives
`jwt-signing-keys` and `jwt-public-keys` their first version, and functions-framework imports
main.py before it binds the port: a secret read at import would keep the revision from ever
becoming ready. So secrets are read on first use; until one exists, the request that needs it
answers 503 (JSON, Retry-After) and changes nothing, and the next request after the secret
appears works, with no restart. Each function loaded as deployed (functions_framework.create_app).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from wellness.auth.keys import public_jwks_json

pytestmark = pytest.mark.functional

SIGNING = "SECRET_JWT_SIGNING_KEYS"
PUBLIC = "SECRET_JWT_PUBLIC_KEYS"


def new_account() -> dict[str, str]:
    return {
        "email": f"{uuid.uuid4().hex[:10]}@example.com",
        "password": "correct horse battery",
        "displayName": "Ada",
        "timezone": "UTC",
    }


def assert_unavailable(response: Any) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "unavailable"
    assert int(response.headers["Retry-After"]) > 0


def test_jwks_starts_without_its_secret_and_serves_it_once_it_exists(
    load_function, monkeypatch, signing_keyset_json
) -> None:
    client = load_function("auth-jwks", **{PUBLIC: ""})
    assert_unavailable(client.get("/v1/auth/jwks"))
    monkeypatch.setenv(PUBLIC, public_jwks_json(signing_keyset_json))
    response = client.get("/v1/auth/jwks")
    assert response.status_code == 200 and response.get_json()["keys"]


@pytest.mark.parametrize("name", ["auth-signup", "auth-login"])
def test_a_token_issuer_starts_without_the_signing_keys_and_changes_nothing_until_they_exist(
    name, load_function, monkeypatch, signing_keyset_json
) -> None:
    account = new_account()
    if name == "auth-login":
        assert load_function("auth-signup").post("/v1/auth/signup", json=account).status_code == 201
    client = load_function(name, **{SIGNING: ""})
    if name == "auth-signup":
        request = lambda: client.post("/v1/auth/signup", json=account)  # noqa: E731
    else:
        request = lambda: client.post(  # noqa: E731
            "/v1/auth/login", json={"email": account["email"], "password": account["password"]}
        )
    assert_unavailable(request())
    monkeypatch.setenv(SIGNING, signing_keyset_json)
    response = request()  # a sign-up that answered 503 created nothing: the same address signs up now
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    assert response.get_json()["user"]["email"] == account["email"]


def test_refresh_starts_without_the_signing_keys(load_function, monkeypatch, signing_keyset_json) -> None:
    session = load_function("auth-signup").post("/v1/auth/signup", json=new_account()).get_json()
    client = load_function("auth-refresh", **{SIGNING: ""})
    assert_unavailable(client.post("/v1/auth/refresh", json={"refreshToken": session["refreshToken"]}))
    monkeypatch.setenv(SIGNING, signing_keyset_json)
    # The 503 did not spend the refresh token: it rotates now.
    response = client.post("/v1/auth/refresh", json={"refreshToken": session["refreshToken"]})
    assert response.status_code == 200, response.get_data(as_text=True)
