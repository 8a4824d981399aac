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
import base64
import json
import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

import httpx

from devstack.bench.mail_flood import flood
from devstack.stack import accounts
from devstack.stack.layout import DEFAULT_STATE_DIR
from devstack.stack.state import StackState
from wellness_api_client import AuthenticatedClient
from wellness_api_client.api.auth import (
    auth_delete_me,
    auth_jwks,
    auth_login,
    auth_logout,
    auth_password_reset,
    auth_signup,
)
from wellness_api_client.api.community import community_create_post, community_get_post, community_report_post
from wellness_api_client.api.profile import profile_get_mine
from wellness_api_client.api.program import program_enroll
from wellness_api_client.api.reflection import reflection_create
from wellness_api_client.models import (
    Error,
    LoginRequest,
    NewPost,
    NewReflection,
    NewReport,
    PasswordResetRequest,
    Post,
    SignupRequest,
)
from wellness_api_client.types import Response

PASSWORD = accounts.PASSWORD
JSON = {"Content-Type": "application/json"}
Sent = tuple[str, str, dict[str, Any]]  # method, path, httpx keyword arguments


class Probe:
    """The stack's gateway and mail folder, and its new accounts (the generated client calling as each)."""

    def __init__(self, gateway: str, mail_dir: Path):
        self.gateway, self.mail_dir = gateway, mail_dir
        self.anonymous = accounts.client(gateway)

    def sign_up(self, verified: bool = True) -> accounts.Account:
        email = f"abuse-{uuid.uuid4().hex[:10]}@example.com"
        mail_dir = self.mail_dir if verified else None
        return accounts.sign_up(self.gateway, email=email, display_name="Probe", timezone="UTC", mail_dir=mail_dir)

    def client(self, account: accounts.Account) -> AuthenticatedClient:
        return accounts.authenticated(self.gateway, account.session.access_token)


def hostile(p: Probe) -> dict[str, Any]:
    me = p.sign_up()
    caller = p.client(me)
    deadline = time.monotonic() + 30  # the profile comes from user.created, through Pub/Sub
    while profile_get_mine.sync_detailed(client=caller).status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    # Raw HTTP (the generated client's own connection, with the token): these are what the contract
    # forbids, which its operations cannot send; each is followed by a valid request to the same function.
    raw = caller.get_httpx_client()
    nested = "[" * 5000 + "]" * 5000
    signup = {"email": f"x-{uuid.uuid4().hex[:8]}@example.com", "password": PASSWORD, "timezone": "UTC"}
    probes: dict[str, tuple[Sent, Sent]] = {
        "signup displayName NUL": (
            ("POST", "/v1/auth/signup", {"json": {**signup, "displayName": "a\x00"}}),
            ("GET", "/v1/auth/jwks", {}),
        ),
        "login password lone surrogate": (
            (
                "POST",
                "/v1/auth/login",
                {"content": f'{{"email": "{me.email}", "password": "\\ud800"}}', "headers": JSON},
            ),
            ("POST", "/v1/auth/login", {"json": {"email": me.email, "password": PASSWORD}}),
        ),
        "profile bio BEL+ESC+bidi": (
            ("PATCH", "/v1/me/profile", {"json": {"bio": "hi\x07\x1b[31m\u202e"}}),
            ("GET", "/v1/me/profile", {}),
        ),
        "reflection nested JSON": (
            ("POST", "/v1/me/reflections", {"content": nested, "headers": JSON}),
            ("GET", "/v1/me/reflections?limit=1", {}),
        ),
        "post id __x__": (("GET", "/v1/community/posts/__x__", {}), ("GET", "/v1/community/posts?limit=1", {})),
        "reporting cursor 9999-12-31": (
            ("GET", "/v1/me/reports/daily?from=2026-01-01&to=2026-01-31&cursor=" + _cursor(["9999-12-31"]), {}),
            ("GET", "/v1/me/reports/daily?from=2026-01-01&to=2026-01-31&limit=1", {}),
        ),
        "program id NUL": (("GET", "/v1/programs/mindful%007", {}), ("GET", "/v1/programs/mindful-7", {})),
    }
    out = {}
    for name, ((method, path, kwargs), (vmethod, vpath, vkwargs)) in probes.items():
        bad = raw.request(method, path, **kwargs)
        valid = raw.request(vmethod, vpath, **vkwargs)
        out[name] = {"status": bad.status_code, "code": _raw_code(bad), "nextValid": valid.status_code}
    return out


def _cursor(values: list[str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _raw_code(response: httpx.Response) -> str | None:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return None


def _code(answer: Response[Any]) -> str | None:
    return answer.parsed.error.code if isinstance(answer.parsed, Error) else None


def throttle(p: Probe) -> dict[str, Any]:
    wrong = LoginRequest(email=p.sign_up(verified=False).email, password="wrong password!")  # noqa: S106

    def attempt(_: int) -> int:
        return int(auth_login.sync_detailed(client=p.anonymous, body=wrong).status_code)

    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(attempt, range(10)))
    return {"sent": 10, "evaluated401": statuses.count(401), "refused429": statuses.count(429), "other": statuses}


def ended_sessions(p: Probe) -> dict[str, Any]:
    out: dict[str, Any] = {}
    gone = p.client(p.sign_up())
    out["deleteMe"] = int(auth_delete_me.sync_detailed(client=gone).status_code)
    still = NewPost(text="still here?")
    out["afterDelete"] = {
        "reflection": int(
            reflection_create.sync_detailed(client=gone, body=NewReflection(mood=3, text="still?")).status_code
        ),
        "post": int(community_create_post.sync_detailed(client=gone, body=still).status_code),
        "enrollment": int(program_enroll.sync_detailed("mindful-7", client=gone).status_code),
    }
    left = p.client(p.sign_up())
    out["logout"] = int(auth_logout.sync_detailed(client=left).status_code)
    out["afterLogout"] = {"post": int(community_create_post.sync_detailed(client=left, body=still).status_code)}
    return out


def verification(p: Probe) -> dict[str, Any]:
    fresh = p.client(p.sign_up(verified=False))
    unverified_post = community_create_post.sync_detailed(client=fresh, body=NewPost(text="hello"))
    author = p.client(p.sign_up())
    post = community_create_post.sync_detailed(client=author, body=NewPost(text="a member's post")).parsed
    if not isinstance(post, Post):
        raise RuntimeError(f"a verified member could not post: {post}")
    reports = [
        int(community_report_post.sync_detailed(post.id, client=p.client(p.sign_up()), body=NewReport()).status_code)
        for _ in range(3)
    ]
    after = community_get_post.sync_detailed(post.id, client=p.client(p.sign_up()))
    return {
        "unverifiedPost": int(unverified_post.status_code),
        "unverifiedCode": _code(unverified_post),
        "threeFreshReports": reports,
        "postStillVisible": after.status_code == 200,
    }


def signup_throttle(p: Probe, attempts: int = 7) -> dict[str, Any]:
    email = f"abuse-{uuid.uuid4().hex[:10]}@example.com"
    body = SignupRequest(email=email, password=PASSWORD, display_name="Probe", timezone="UTC")
    statuses = [int(auth_signup.sync_detailed(client=p.anonymous, body=body).status_code) for _ in range(attempts)]
    return {"sameAddress": statuses}


def reset_timing(p: Probe, samples: int) -> dict[str, Any]:
    registered = p.sign_up(verified=False).email

    def timed(email: str) -> float:
        started = time.perf_counter()
        answer = auth_password_reset.sync_detailed(client=p.anonymous, body=PasswordResetRequest(email=email))
        assert answer.status_code == 202, answer.content
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


def headers(p: Probe) -> dict[str, Any]:
    function = auth_jwks.sync_detailed(client=p.anonymous)
    gateway = p.anonymous.get_httpx_client().get("/v1/no-such-route")  # raw: a route the contract does not have
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
    c = Probe(state.gateway_url, state.state_dir / "mail")
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
