"""Abuse and hostile input, measured: what an attacker gets from each class of issue 12.

Against the running local stack (`scripts/dev up`, on 127.0.0.1), bounded in count:

    scripts/bench-abuse [--reset-samples 30]

Prints one JSON line per probe:

- `hostile`: each hostile input's status on its operation, then a valid request's status
  on the same function (a bad request must not break the next one);
- `throttle`: ten wrong passwords sent at once for one address (limit five): how many
  were evaluated (401) and how many refused (429);
- `ended_sessions`: writes with an access token after `DELETE /v1/me`, after log-out;
- `verification`: an unverified account's post; three fresh accounts reporting a post
  (does it leave the feed?);
- `signup_throttle`: sign-ups for one address in a row;
- `reset_timing`: the password-reset answer's median and p95 for a registered and an
  unknown address;
- `mail_flood`: 25 password resets for one address and 25 verification resends: the answers
  by status and the mails the stack's SMTP sink received (devstack.bench.mail_flood);
- `headers`: `X-Content-Type-Options` on a function's answer and on the gateway's own 404.

`tests/security` and `tests/robustness` assert the same behaviour; this prints numbers.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

import requests

from devstack.bench.mail_flood import flood
from devstack.stack import accounts
from devstack.stack.layout import DEFAULT_STATE_DIR
from devstack.stack.state import StackState

PASSWORD = accounts.PASSWORD
JSON = {"Content-Type": "application/json"}


class Client:
    def __init__(self, gateway: str, mail_dir: Path):
        self.gateway, self.mail_dir, self.http = gateway, mail_dir, requests.Session()

    def call(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        headers = {**kwargs.pop("headers", {}), **({"Authorization": f"Bearer {token}"} if token else {})}
        return self.http.request(method, self.gateway + path, headers=headers, timeout=30, **kwargs)

    def sign_up(self, verified: bool = True) -> dict[str, Any]:
        """A new account (devstack.stack.accounts.sign_up) as the API's JSON, with its `email`."""
        email = f"abuse-{uuid.uuid4().hex[:10]}@example.com"
        mail_dir = self.mail_dir if verified else None
        account = accounts.sign_up(self.gateway, email=email, display_name="Probe", timezone="UTC", mail_dir=mail_dir)
        return {**account.as_json(), "email": email}


def hostile(c: Client) -> dict[str, Any]:
    me = c.sign_up()
    token = me["accessToken"]
    deadline = time.monotonic() + 30  # the profile comes from user.created, through Pub/Sub
    while c.call("GET", "/v1/me/profile", token).status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    nested = "[" * 5000 + "]" * 5000
    probes: dict[str, tuple[str, str, dict[str, Any], tuple[str, str, dict[str, Any]]]] = {
        "signup displayName NUL": (
            "POST",
            "/v1/auth/signup",
            {
                "json": {
                    "email": f"x-{uuid.uuid4().hex[:8]}@example.com",
                    "password": PASSWORD,
                    "displayName": "a\x00",
                    "timezone": "UTC",
                }
            },
            ("GET", "/v1/auth/jwks", {}),
        ),
        "login password lone surrogate": (
            "POST",
            "/v1/auth/login",
            {"data": f'{{"email": "{me["email"]}", "password": "\\ud800"}}', "headers": JSON},
            ("POST", "/v1/auth/login", {"json": {"email": me["email"], "password": PASSWORD}}),
        ),
        "profile bio BEL+ESC+bidi": (
            "PATCH",
            "/v1/me/profile",
            {"json": {"bio": "hi\x07\x1b[31m\u202e"}},
            ("GET", "/v1/me/profile", {}),
        ),
        "reflection nested JSON": (
            "POST",
            "/v1/me/reflections",
            {"data": nested, "headers": JSON},
            ("GET", "/v1/me/reflections?limit=1", {}),
        ),
        "post id __x__": ("GET", "/v1/community/posts/__x__", {}, ("GET", "/v1/community/posts?limit=1", {})),
        "reporting cursor 9999-12-31": (
            "GET",
            "/v1/me/reports/daily?from=2026-01-01&to=2026-01-31&cursor=" + _cursor(["9999-12-31"]),
            {},
            ("GET", "/v1/me/reports/daily?from=2026-01-01&to=2026-01-31&limit=1", {}),
        ),
        "program id NUL": (
            "GET",
            "/v1/programs/mindful%007",
            {},
            ("GET", "/v1/programs/mindful-7", {}),
        ),
    }
    out = {}
    for name, (method, path, kwargs, (vmethod, vpath, vkwargs)) in probes.items():
        bad = c.call(method, path, token, **kwargs)
        valid = c.call(vmethod, vpath, token, **vkwargs)
        out[name] = {"status": bad.status_code, "code": _code(bad), "nextValid": valid.status_code}
    return out


def _cursor(values: list[str]) -> str:
    import base64

    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _code(response: requests.Response) -> str | None:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return None


def throttle(c: Client) -> dict[str, Any]:
    me = c.sign_up(verified=False)

    def wrong(_: int) -> int:
        return requests.post(
            f"{c.gateway}/v1/auth/login", json={"email": me["email"], "password": "wrong password!"}, timeout=30
        ).status_code

    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(wrong, range(10)))
    return {"sent": 10, "evaluated401": statuses.count(401), "refused429": statuses.count(429), "other": statuses}


def ended_sessions(c: Client) -> dict[str, Any]:
    out: dict[str, Any] = {}
    gone = c.sign_up()
    token = gone["accessToken"]
    out["deleteMe"] = c.call("DELETE", "/v1/me", token).status_code
    out["afterDelete"] = {
        "reflection": c.call("POST", "/v1/me/reflections", token, json={"mood": 3, "text": "still?"}).status_code,
        "post": c.call("POST", "/v1/community/posts", token, json={"text": "still here?"}).status_code,
        "enrollment": c.call("POST", "/v1/programs/mindful-7/enrollments", token).status_code,
    }
    left = c.sign_up()
    out["logout"] = c.call("POST", "/v1/auth/logout", left["accessToken"], json={}).status_code
    out["afterLogout"] = {
        "post": c.call("POST", "/v1/community/posts", left["accessToken"], json={"text": "still here?"}).status_code
    }
    return out


def verification(c: Client) -> dict[str, Any]:
    fresh = c.sign_up(verified=False)
    unverified_post = c.call("POST", "/v1/community/posts", fresh["accessToken"], json={"text": "hello"})
    author = c.sign_up()
    post = c.call("POST", "/v1/community/posts", author["accessToken"], json={"text": "a member's post"}).json()
    reports = [
        c.call("POST", f"/v1/community/posts/{post['id']}/reports", c.sign_up()["accessToken"], json={}).status_code
        for _ in range(3)
    ]
    viewer = c.sign_up()
    after = c.call("GET", f"/v1/community/posts/{post['id']}", viewer["accessToken"])
    return {
        "unverifiedPost": unverified_post.status_code,
        "unverifiedCode": _code(unverified_post),
        "threeFreshReports": reports,
        "postStillVisible": after.status_code == 200,
    }


def signup_throttle(c: Client, attempts: int = 7) -> dict[str, Any]:
    email = f"abuse-{uuid.uuid4().hex[:10]}@example.com"
    body = {"email": email, "password": PASSWORD, "displayName": "Probe", "timezone": "UTC"}
    statuses = [c.call("POST", "/v1/auth/signup", json=body).status_code for _ in range(attempts)]
    return {"sameAddress": statuses}


def reset_timing(c: Client, samples: int) -> dict[str, Any]:
    registered = c.sign_up(verified=False)["email"]

    def timed(email: str) -> float:
        started = time.perf_counter()
        answer = c.call("POST", "/v1/auth/password-reset", json={"email": email})
        assert answer.status_code == 202, answer.text
        return (time.perf_counter() - started) * 1000

    for _ in range(3):  # warm both paths
        timed(registered)
        timed(f"nobody-{uuid.uuid4().hex[:8]}@example.com")
    known, unknown = [], []
    for _ in range(samples):  # interleaved, so drift hits both alike
        known.append(timed(registered))
        unknown.append(timed(f"nobody-{uuid.uuid4().hex[:8]}@example.com"))
    return {
        "samples": samples,
        "registeredMs": {"p50": round(statistics.median(known), 1), "p95": round(_p95(known), 1)},
        "unknownMs": {"p50": round(statistics.median(unknown), 1), "p95": round(_p95(unknown), 1)},
    }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def headers(c: Client) -> dict[str, Any]:
    function = c.call("GET", "/v1/auth/jwks")
    gateway = c.call("GET", "/v1/no-such-route")
    return {
        "function": function.headers.get("X-Content-Type-Options"),
        "gateway404": gateway.headers.get("X-Content-Type-Options"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state-dir", default=str(DEFAULT_STATE_DIR), help="the running stack's state (scripts/dev)")
    parser.add_argument("--reset-samples", type=int, default=30, help="password-reset answers timed per kind")
    args = parser.parse_args(argv)
    state = StackState.load(Path(args.state_dir))
    if state is None or not state.gateway_url:
        parser.error("start the local stack first (scripts/dev up)")
    if not 1 <= args.reset_samples <= 200:
        parser.error("--reset-samples must be 1..200")
    c = Client(state.gateway_url, state.state_dir / "mail")
    probes: dict[str, Callable[[], dict[str, Any]]] = {
        "hostile": lambda: hostile(c),
        "throttle": lambda: throttle(c),
        "ended_sessions": lambda: ended_sessions(c),
        "verification": lambda: verification(c),
        "signup_throttle": lambda: signup_throttle(c),
        "reset_timing": lambda: reset_timing(c, args.reset_samples),
        "mail_flood": lambda: flood(c.gateway, c.mail_dir, str(state.database_url)),
        "headers": lambda: headers(c),
    }
    for name, probe in probes.items():
        print(json.dumps({"probe": name, **probe()}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
