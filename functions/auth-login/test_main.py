"""auth-login, loaded as deployed, on real PostgreSQL."""

import uuid

import pytest

pytestmark = pytest.mark.functional


@pytest.fixture
def account(load_function) -> dict[str, str]:
    account = {"email": f"{uuid.uuid4().hex[:10]}@example.com", "password": "correct horse battery",
               "displayName": "Ada", "timezone": "UTC"}  # fmt: skip
    assert load_function("auth-signup").post("/v1/auth/signup", json=account).status_code == 201
    return account


def test_login_with_the_right_password(load_function, account) -> None:
    response = load_function("auth-login").post(
        "/v1/auth/login", json={"email": account["email"], "password": account["password"]}
    )
    assert response.status_code == 200
    assert response.get_json()["user"]["email"] == account["email"]


def test_wrong_password_and_unknown_account_look_the_same(load_function, account) -> None:
    client = load_function("auth-login")
    wrong = client.post("/v1/auth/login", json={"email": account["email"], "password": "not the password"})
    unknown = client.post("/v1/auth/login", json={"email": "nobody-" + account["email"], "password": "whatever"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json()["error"]["code"] == unknown.get_json()["error"]["code"] == "invalid_credentials"
    assert wrong.get_json()["error"]["message"] == unknown.get_json()["error"]["message"]
