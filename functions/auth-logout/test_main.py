"""auth-logout, loaded as deployed: the access token's session ends; its refresh token stops working."""

import uuid

import jwt
import pytest

from wellness.identity import userinfo_header

pytestmark = pytest.mark.functional


def test_logout_ends_the_session(load_function) -> None:
    account = {"email": f"{uuid.uuid4().hex[:10]}@example.com", "password": "correct horse battery",
               "displayName": "Ada", "timezone": "UTC"}  # fmt: skip
    session = load_function("auth-signup").post("/v1/auth/signup", json=account).get_json()
    claims = jwt.decode(session["accessToken"], options={"verify_signature": False})
    assert load_function("auth-logout").post("/v1/auth/logout", headers=userinfo_header(claims)).status_code == 204
    refused = load_function("auth-refresh").post("/v1/auth/refresh", json={"refreshToken": session["refreshToken"]})
    assert refused.status_code == 401


def test_logout_needs_a_caller(load_function) -> None:
    assert load_function("auth-logout").post("/v1/auth/logout").status_code == 401
