"""The user-journey smoke test, against any gateway: the local stack or a deployed one.

    scripts/smoke --base-url http://127.0.0.1:8080
    scripts/smoke --base-url https://wellness-qa-candidate-xxxx.ew.gateway.dev --profile-timeout 30

Sign up a fresh account, log in, wait for the profile that `user.created` creates, patch
it and read it back, then delete the account (DELETE /v1/me) and check it can no longer log
in: a deploy's smoke run leaves no account behind, in qa or in prod. When a step fails after
sign-up, the account is still deleted before the failure is reported. Prints one line per
step; exit 0 when every step passed, 1 at the first that did not (the deploy then never
promotes the release).
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


def journey(base_url: str, profile_timeout: float = 10.0, http: requests.Session | None = None) -> list[str]:
    """Run the journey; returns the steps that passed, raises SmokeFailure at the first that did not."""
    http = http or requests.Session()
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
    try:
        _signed_up(call, account, user_id, profile_timeout, done)
    except BaseException:
        _delete_account(call, signup.json()["accessToken"], account, done, quiet=True)
        raise
    return done


def _signed_up(call: Any, account: dict[str, str], user_id: str, profile_timeout: float, done: list[str]) -> None:
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
    _delete_account(call, token, account, done)


def _delete_account(call: Any, token: str, account: dict[str, str], done: list[str], quiet: bool = False) -> None:
    """DELETE /v1/me, then the password must no longer log in. `quiet`: best effort, while failing anyway."""
    try:
        deleted = call("DELETE", "/v1/me", token)
        check(deleted.status_code == 204, "account deleted", deleted)
        login = call("POST", "/v1/auth/login", json={"email": account["email"], "password": account["password"]})
        check(login.status_code == 401, "account deleted (its password still logs in)", login)
    except (SmokeFailure, requests.RequestException) as exc:
        if not quiet:
            raise
        print(f"smoke: could not delete the smoke account {account['email']}: {exc}", file=sys.stderr)
        return
    done.append("account deleted")


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
