"""The first slice, end to end: sign up, log in, the profile appears, edit it."""

from __future__ import annotations

import pytest

from devstack.stack import accounts
from wellness_api_client import Client
from wellness_api_client.api.auth import auth_login
from wellness_api_client.api.profile import profile_get_mine, profile_update_mine
from wellness_api_client.models import LoginRequest, Profile, ProfilePatch, Session

from .conftest import SignUp, eventually, ok

pytestmark = pytest.mark.e2e


def test_signup_login_and_the_profile_appears(sign_up: SignUp, anonymous: Client, gateway: str) -> None:
    # Unverified: the address's verification (a mail's round trip) is not what this checks.
    user = sign_up(verified=False, display_name="Grace", timezone="America/New_York")
    login = ok(
        auth_login.sync_detailed(client=anonymous, body=LoginRequest(user.email, user.account.password)), Session
    )
    assert str(login.user.id) == user.id

    # The profile is made from user.created, after the answer: waited for, not timed (a generous
    # bound on a loaded machine; how long the pipeline takes is scripts/bench-pipeline's).
    me = accounts.authenticated(gateway, login.access_token)
    answer = eventually(lambda: (r := profile_get_mine.sync_detailed(client=me)).status_code == 200 and r, timeout=30)
    profile = ok(answer, Profile)
    assert (profile.user_id, profile.display_name, profile.timezone) == (user.id, "Grace", "America/New_York")
    assert answer.headers["X-Request-Id"]


def test_patch_then_get_round_trips(sign_up: SignUp) -> None:
    me = sign_up().client
    eventually(lambda: profile_get_mine.sync_detailed(client=me).status_code == 200)
    patched = ok(
        profile_update_mine.sync_detailed(client=me, body=ProfilePatch(bio="Morning runner", display_name="Ada L.")),
        Profile,
    )
    again = ok(profile_get_mine.sync_detailed(client=me), Profile)
    assert (again.bio, again.display_name) == ("Morning runner", "Ada L.")
    assert again == patched


def test_unknown_route_and_method_get_the_json_error_body(anonymous: Client) -> None:
    # Raw HTTP: a route and a method the contract does not have, so the generated client has no operation for them.
    for method, path, status in [("GET", "/v1/nowhere", 404), ("DELETE", "/v1/auth/signup", 405)]:
        response = anonymous.get_httpx_client().request(method, path)
        assert response.status_code == status
        assert response.json()["error"]["requestId"] == response.headers["X-Request-Id"]
