"""auth-login, loaded as deployed, on real PostgreSQL."""

import json
import uuid

import pytest

pytestmark = pytest.mark.functional


@pytest.fixture
def account(load_function) -> dict[str, str]:
    account = {
        "email": f"{uuid.uuid4().hex[:10]}@example.com",
        "password": "correct horse battery",
        "displayName": "Ada",
        "timezone": "UTC",
    }
    assert load_function("auth-signup").post("/v1/auth/signup", json=account).status_code == 201
    return account


def test_login_with_the_right_password(load_function, account) -> None:
    response = load_function("auth-login").post(
        "/v1/auth/login", json={"email": account["email"], "password": account["password"]}
    )
    assert response.status_code == 200
    assert response.get_json()["user"]["email"] == account["email"]


def test_a_missing_signing_key_is_a_503_and_the_log_names_it(load_function, account, capsys) -> None:
    # Read on first use, not at import (tests/deploy/test_secrets_on_first_use.py): the log says which.
    client = load_function("auth-login", SECRET_JWT_SIGNING_KEYS="")
    capsys.readouterr()
    response = client.post("/v1/auth/login", json={"email": account["email"], "password": account["password"]})
    assert response.status_code == 503
    (line,) = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "SECRET_JWT_SIGNING_KEYS" in line]
    assert line["severity"] == "ERROR"


def test_ten_concurrent_wrong_passwords_evaluate_at_most_the_limit(load_function, account) -> None:
    """The throttle reserves each attempt before the password is checked, so a burst cannot outrun it."""
    from concurrent.futures import ThreadPoolExecutor

    app = load_function("auth-login", DB_POOL_SIZE="10")
    wrong = {"email": account["email"], "password": "not the password"}
    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(lambda _: app.post("/v1/auth/login", json=wrong).status_code, range(10)))
    print(
        f"\n10 concurrent wrong passwords: {statuses.count(401)} evaluated (401), {statuses.count(429)} refused (429)"
    )
    assert statuses.count(401) == 5  # LOGIN_MAX_FAILURES_ACCOUNT's default
    assert statuses.count(429) == 5


def test_the_client_is_read_past_the_trusted_hops_so_no_client_picks_its_own_key(load_function, account) -> None:
    """TRUSTED_PROXY_HOPS=2: the client is the third entry from the right; what it prepends changes nothing."""
    client = load_function("auth-login", LOGIN_MAX_FAILURES_CLIENT="3", TRUSTED_PROXY_HOPS="2")
    attacker = f"198.51.100.{uuid.uuid4().int % 250}"
    infra = "35.191.0.1, 35.191.0.2"  # what the gateway and Google's front ends append after the client
    for n in range(3):
        spoofed = {"X-Forwarded-For": f"10.9.{n}.1, {attacker}, {infra}"}
        wrong = {"email": f"guess{n}-" + account["email"], "password": "wrong"}
        assert client.post("/v1/auth/login", json=wrong, headers=spoofed).status_code == 401
    right = {"email": account["email"], "password": account["password"]}
    locked = client.post("/v1/auth/login", json=right, headers={"X-Forwarded-For": f"1.2.3.4, {attacker}, {infra}"})
    assert locked.status_code == 429
    elsewhere = client.post("/v1/auth/login", json=right, headers={"X-Forwarded-For": f"203.0.113.77, {infra}"})
    assert elsewhere.status_code == 200
