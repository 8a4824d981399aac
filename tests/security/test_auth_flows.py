"""The auth journeys end to end through the gateway: refresh reuse, logout, reset reuse and expiry, throttling."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from devstack.stack.mailsink import read_mail

from .conftest import Api, eventually
from .flows import reset_link_for

pytestmark = pytest.mark.e2e


def test_a_reused_refresh_token_ends_the_session(api: Api) -> None:
    session = api.sign_up()
    second = api.call("POST", "/v1/auth/refresh", json={"refreshToken": session["refreshToken"]})
    assert second.status_code == 200, second.text
    assert api.call("POST", "/v1/auth/refresh", json={"refreshToken": session["refreshToken"]}).status_code == 401
    third = api.call("POST", "/v1/auth/refresh", json={"refreshToken": second.json()["refreshToken"]})
    assert third.status_code == 401


def test_logout_ends_the_session(api: Api) -> None:
    session = api.sign_up()
    assert api.call("POST", "/v1/auth/logout", session["accessToken"]).status_code == 204
    assert api.call("POST", "/v1/auth/refresh", json={"refreshToken": session["refreshToken"]}).status_code == 401


def test_welcome_mail_arrives_once(api: Api, local_stack: Any) -> None:
    email = api.sign_up()["user"]["email"]

    def welcomes() -> list[Any]:
        return [m for m in read_mail(local_stack.mail_dir) if m["To"] == email and "Welcome" in str(m["Subject"])]

    eventually(welcomes, timeout=10)
    assert len(welcomes()) == 1


def test_password_reset_is_single_use_and_expires(api: Api, local_stack: Any) -> None:
    session = api.sign_up()
    email = session["user"]["email"]
    unknown = api.call("POST", "/v1/auth/password-reset", json={"email": "nobody-" + email})
    known = api.call("POST", "/v1/auth/password-reset", json={"email": email})
    assert unknown.status_code == known.status_code == 202
    _link, token = reset_link_for(local_stack, email)
    confirm = {"token": token, "newPassword": "a brand new password"}
    assert api.call("POST", "/v1/auth/password-reset/confirm", json=confirm).status_code == 204
    again = api.call("POST", "/v1/auth/password-reset/confirm", json={**confirm, "newPassword": "yet another one!"})
    assert (again.status_code, again.json()["error"]["code"]) == (400, "invalid_reset_token")
    assert api.call("POST", "/v1/auth/refresh", json={"refreshToken": session["refreshToken"]}).status_code == 401
    login = api.call("POST", "/v1/auth/login", json={"email": email, "password": "a brand new password"})
    assert login.status_code == 200

    # Expiry: a second reset, aged past its expiry in the database, no longer works.
    assert api.call("POST", "/v1/auth/password-reset", json={"email": email}).status_code == 202
    _link, second = eventually(lambda: (found := reset_link_for(local_stack, email)) != (_link, token) and found)
    engine = sa.create_engine(local_stack.database_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE auth_password_resets SET expires_at = now() - interval '1 s' WHERE id = :i"),
            {"i": second.split(".")[0]},
        )
    engine.dispose()
    expired = api.call("POST", "/v1/auth/password-reset/confirm", json={**confirm, "token": second})
    assert (expired.status_code, expired.json()["error"]["code"]) == (400, "invalid_reset_token")


def test_repeated_failures_are_throttled_without_telling_who_is_registered(api: Api) -> None:
    registered = api.sign_up()["user"]["email"]
    unregistered = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    answers = {}
    for email in (registered, unregistered):
        for _ in range(5):
            assert api.call("POST", "/v1/auth/login", json={"email": email, "password": "wrong!"}).status_code == 401
        locked = api.call("POST", "/v1/auth/login", json={"email": email, "password": "correct horse battery"})
        assert locked.status_code == 429
        assert 0 < int(locked.headers["Retry-After"]) <= 900
        answers[email] = (locked.status_code, locked.json()["error"]["code"], locked.json()["error"]["message"])
    assert answers[registered] == answers[unregistered]


def test_the_smoke_key_verifies_smoke_addresses_and_no_real_persons(api: Api, local_stack: Any) -> None:
    """The release smoke's verification path through the gateway, with the stack's smoke-key (README, "Deploying")."""
    from devstack.stack import accounts
    from wellness.auth.reset_tokens import smoke_verification_token

    key = local_stack.smoke_key_file.read_bytes().strip()

    def open_link(session: dict[str, Any]) -> str:
        export = api.call("GET", "/v1/me/export", session["accessToken"]).json()
        (link,) = [v["id"] for v in export["auth"]["emailVerifications"] if not v.get("usedAt")]
        return str(link)

    def verified(session: dict[str, Any]) -> bool:
        export = api.call("GET", "/v1/me/export", session["accessToken"]).json()
        return export["auth"]["account"].get("emailVerifiedAt") is not None

    person = api.sign_up(verified=False)
    forged = {"token": smoke_verification_token(key, open_link(person))}
    refused = api.call("POST", "/v1/auth/email-verification/confirm", json=forged)
    assert (refused.status_code, refused.json()["error"]["code"]) == (400, "invalid_verification_token")
    assert not verified(person)
    api.verify(person)  # the person's own mailed link still works: the refusal spent nothing
    assert verified(person)

    smoke = accounts.sign_up(api.base_url, email=f"smoke-{uuid.uuid4().hex[:10]}@smoke.wellness.invalid").as_json()
    link = open_link(smoke)
    wrong_key = {"token": smoke_verification_token(b"a key the deployer never had", link)}
    assert api.call("POST", "/v1/auth/email-verification/confirm", json=wrong_key).status_code == 400
    assert not verified(smoke)
    token = {"token": smoke_verification_token(key, link)}
    assert api.call("POST", "/v1/auth/email-verification/confirm", json=token).status_code == 204
    assert verified(smoke)
    assert api.call("DELETE", "/v1/me", smoke["accessToken"]).status_code == 204
