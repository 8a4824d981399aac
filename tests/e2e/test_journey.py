"""The first slice, end to end: sign up, log in, the profile appears, edit it."""

from __future__ import annotations

import pytest

from .conftest import Api, eventually

pytestmark = pytest.mark.e2e


def test_signup_login_and_the_profile_appears(api: Api) -> None:
    # Unverified: the address's verification (a mail's round trip) is not what this checks.
    session = api.sign_up(verified=False, displayName="Grace", timezone="America/New_York")
    credentials = {"email": session["user"]["email"], "password": session["password"]}
    login = api.call("POST", "/v1/auth/login", json=credentials)
    assert login.status_code == 200 and login.json()["user"]["id"] == session["user"]["id"]
    token = login.json()["accessToken"]

    # The profile is made from user.created, after the answer: waited for, not timed (a generous
    # bound on a loaded machine; how long the pipeline takes is scripts/bench-pipeline's).
    profile = eventually(lambda: (r := api.call("GET", "/v1/me/profile", token)).status_code == 200 and r, timeout=30)
    body = profile.json()
    assert (body["userId"], body["displayName"], body["timezone"]) == (
        session["user"]["id"],
        "Grace",
        "America/New_York",
    )
    assert profile.headers["X-Request-Id"]


def test_patch_then_get_round_trips(api: Api) -> None:
    token = api.sign_up()["accessToken"]
    eventually(lambda: api.call("GET", "/v1/me/profile", token).status_code == 200)
    patched = api.call("PATCH", "/v1/me/profile", token, json={"bio": "Morning runner", "displayName": "Ada L."})
    assert patched.status_code == 200, patched.text
    again = api.call("GET", "/v1/me/profile", token).json()
    assert (again["bio"], again["displayName"]) == ("Morning runner", "Ada L.")
    assert again == patched.json()


def test_unknown_route_and_method_get_the_json_error_body(api: Api) -> None:
    for method, path, status in [("GET", "/v1/nowhere", 404), ("DELETE", "/v1/auth/signup", 405)]:
        response = api.call(method, path)
        assert response.status_code == status
        assert response.json()["error"]["requestId"] == response.headers["X-Request-Id"]
