"""auth-jwks serves the public keys from `jwt-public-keys`, and never needs (or reads) the signing keys."""

import json

import pytest

from wellness.auth.keys import new_keyset_json, public_jwks_json

pytestmark = pytest.mark.functional


def test_jwks_lists_current_and_previous_public_keys_without_the_signing_keys(load_function) -> None:
    rotated = new_keyset_json(previous=new_keyset_json())
    client = load_function("auth-jwks", SECRET_JWT_PUBLIC_KEYS=public_jwks_json(rotated), SECRET_JWT_SIGNING_KEYS="")
    response = client.get("/v1/auth/jwks")
    assert response.status_code == 200
    keys = response.get_json()["keys"]
    assert [k["kid"] for k in keys] == [k["kid"] for k in json.loads(rotated)["keys"]]
    assert all(k["kty"] == "RSA" and k["alg"] == "RS256" and "d" not in k for k in keys)
    assert "max-age=300" in response.headers["Cache-Control"]


def test_a_missing_public_keys_secret_is_a_503_naming_nothing_secret(load_function) -> None:
    # Read on first use, so the function starts without it (tests/deploy/test_secrets_on_first_use.py).
    response = load_function("auth-jwks", SECRET_JWT_PUBLIC_KEYS="").get("/v1/auth/jwks")
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "unavailable"


def test_a_secret_holding_a_private_key_is_refused(load_function, signing_keyset_json) -> None:
    leaked = json.dumps({"keys": [{**json.loads(public_jwks_json(signing_keyset_json))["keys"][0], "d": "secret"}]})
    response = load_function("auth-jwks", SECRET_JWT_PUBLIC_KEYS=leaked).get("/v1/auth/jwks")
    assert response.status_code == 500 and "secret" not in response.get_data(as_text=True)


def test_every_answer_says_nosniff_including_the_frameworks_own(load_function) -> None:
    client = load_function("auth-jwks")
    answers = {
        "200": client.get("/v1/auth/jwks"),
        "405 (ours)": client.post("/v1/auth/jwks"),
        "404 (ours)": client.get("/v1/other"),
        "404 (functions-framework)": client.get("/favicon.ico"),
    }
    assert [r.status_code for r in answers.values()] == [200, 405, 404, 404]
    for name, response in answers.items():
        assert response.headers.get("X-Content-Type-Options") == "nosniff", name
