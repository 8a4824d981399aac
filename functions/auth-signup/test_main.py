"""auth-signup, loaded as deployed, on real PostgreSQL and the Pub/Sub emulator."""

import uuid

import pytest
from sqlalchemy import create_engine, text

from wellness.auth.keys import Keyset

pytestmark = pytest.mark.functional


def new_account() -> dict[str, str]:
    return {
        "email": f"{uuid.uuid4().hex[:10]}@example.com",
        "password": "correct horse battery",
        "displayName": "Ada",
        "timezone": "Europe/Paris",
    }


def test_signup_creates_the_account_a_session_and_the_event(load_function, postgres_url, signing_keyset_json) -> None:
    client = load_function("auth-signup")
    account = new_account()
    response = client.post("/v1/auth/signup", json=account)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == {"user", "accessToken", "refreshToken", "tokenType", "expiresIn"}
    assert body["user"]["email"] == account["email"] and body["tokenType"] == "Bearer"
    claims = Keyset.from_json(signing_keyset_json).verify(
        body["accessToken"], issuer="wellness-test", audience="wellness-app"
    )
    assert claims["sub"] == body["user"]["id"]
    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        event = conn.execute(
            text("SELECT payload FROM outbox WHERE payload->>'userId' = :id AND topic = 'user.created'"),
            {"id": body["user"]["id"]},
        ).scalar_one()
    engine.dispose()
    assert event["type"] == "user.created" and event["data"]["displayName"] == "Ada"


def test_same_email_again_is_409(load_function) -> None:
    client = load_function("auth-signup")
    account = new_account()
    assert client.post("/v1/auth/signup", json=account).status_code == 201
    again = client.post("/v1/auth/signup", json={**account, "email": account["email"].upper()})
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "email_taken"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"password": "short"}, "validation_failed"),
        ({"admin": True}, "validation_failed"),
    ],
)
def test_bad_signups_are_400_and_change_nothing(load_function, postgres_url, change, code) -> None:
    client = load_function("auth-signup")
    account = {**new_account(), **change}
    response = client.post("/v1/auth/signup", json=account)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == code
    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM auth_users WHERE email = :e"), {"e": account["email"]}).scalar()
    engine.dispose()
    assert count == 0


def test_sign_ups_are_throttled_per_client_and_per_address(load_function) -> None:
    client = load_function("auth-signup", SIGNUP_MAX_PER_CLIENT="3", SIGNUP_MAX_PER_ADDRESS="2")
    me = {"X-Forwarded-For": f"198.51.100.{uuid.uuid4().int % 250}"}

    def signup(email: str, headers: dict[str, str]) -> int:
        body = {"email": email, "password": "correct horse battery", "displayName": "Ada", "timezone": "UTC"}
        return int(client.post("/v1/auth/signup", json=body, headers=headers).status_code)

    statuses = [signup(f"{uuid.uuid4().hex[:10]}@example.com", me) for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    address = f"{uuid.uuid4().hex[:10]}@example.com"
    elsewhere = [{"X-Forwarded-For": f"203.0.113.{n}"} for n in range(3)]
    assert [signup(address, h) for h in elsewhere] == [201, 409, 429]  # taken, then refused
