"""auth-jwks serves the public halves of every key in the signing keyset."""

import json

import pytest

from wellness.auth.keys import new_keyset_json

pytestmark = pytest.mark.functional


def test_jwks_lists_current_and_previous_public_keys(load_function) -> None:
    rotated = new_keyset_json(previous=new_keyset_json())
    response = load_function("auth-jwks", SECRET_JWT_SIGNING_KEYS=rotated).get("/v1/auth/jwks")
    assert response.status_code == 200
    keys = response.get_json()["keys"]
    assert [k["kid"] for k in keys] == [k["kid"] for k in json.loads(rotated)["keys"]]
    assert all(k["kty"] == "RSA" and k["alg"] == "RS256" and "d" not in k for k in keys)
    assert "max-age=300" in response.headers["Cache-Control"]


def test_a_missing_signing_key_fails_the_cold_start_by_name(load_function, monkeypatch) -> None:
    monkeypatch.delenv("SECRET_JWT_SIGNING_KEYS", raising=False)
    with pytest.raises(Exception, match="SECRET_JWT_SIGNING_KEYS"):
        load_function("auth-jwks", SECRET_JWT_SIGNING_KEYS="")
