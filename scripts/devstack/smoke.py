"""The user-journey smoke test, against any gateway: the local stack or a deployed one.

    scripts/smoke --base-url http://127.0.0.1:8080
    scripts/smoke --base-url https://wellness-qa-candidate-xxxx.ew.gateway.dev --profile-timeout 30

Sign up a fresh account, log in, wait for the profile that `user.created` creates, patch
it and read it back. Prints one line per step; exit 0 when every step passed, 1 at the
first that did not (the deploy workflow rolls back on that).
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from typing import Any

import requests


class SmokeFailure(AssertionError):
    pass


def check(condition: bool, step: str, response: requests.Response | None = None) -> None:
    if not condition:
        detail = f" ({response.status_code}: {response.text[:300]})" if response is not None else ""
        raise SmokeFailure(f"{step} failed{detail}")


def journey(base_url: str, profile_timeout: float = 10.0) -> list[str]:
    """Run the journey; returns the steps that passed, raises SmokeFailure at the first that did not."""
    http = requests.Session()
    base = base_url.rstrip("/")
    done: list[str] = []

    def call(method: str, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return http.request(method, base + path, headers=headers, timeout=20, **kwargs)

    account = {
        "email": f"smoke-{uuid.uuid4().hex[:12]}@example.com",
        "password": "correct horse battery staple",
        "displayName": "Smoke Test",
        "timezone": "Europe/London",
    }
    signup = call("POST", "/v1/auth/signup", json=account)
    check(signup.status_code == 201 and signup.headers.get("X-Request-Id") is not None, "sign up", signup)
    user_id = signup.json()["user"]["id"]
    done.append("sign up")

    login = call("POST", "/v1/auth/login", json={"email": account["email"], "password": account["password"]})
    check(login.status_code == 200 and login.json()["user"]["id"] == user_id, "log in", login)
    token = login.json()["accessToken"]
    done.append("log in")

    deadline = time.monotonic() + profile_timeout
    while (profile := call("GET", "/v1/me/profile", token)).status_code == 404 and time.monotonic() < deadline:
        time.sleep(0.25)  # the profile is made from the user.created event, a moment after sign-up
    check(profile.status_code == 200 and profile.json()["userId"] == user_id, "profile appears", profile)
    done.append("profile appears")

    patched = call("PATCH", "/v1/me/profile", token, json={"bio": "Smoke-tested"})
    again = call("GET", "/v1/me/profile", token)
    check(patched.status_code == 200 and again.json().get("bio") == "Smoke-tested", "patch and read back", again)
    done.append("patch and read back")

    anonymous = call("GET", "/v1/me/profile")
    check(anonymous.status_code == 401, "anonymous call refused", anonymous)
    done.append("anonymous call refused")
    return done


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="scripts/smoke", description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True, help="the gateway's base URL")
    parser.add_argument("--profile-timeout", type=float, default=10.0, help="seconds to wait for the profile")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        steps = journey(args.base_url, args.profile_timeout)
    except (SmokeFailure, requests.RequestException, KeyError, ValueError) as exc:
        print(f"smoke: FAILED: {exc}", file=sys.stderr)
        return 1
    for step in steps:
        print(f"smoke: ok  {step}")
    print(f"smoke: {len(steps)} passed, 0 failed in {time.monotonic() - started:.1f}s against {args.base_url}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
