"""The cold-start bench's sample request of every user-facing function, and of some subscribers.

The bench sends a function its sample until the first 2xx, then a few more times warm;
each call of a sample gives the next request. A read or an idempotent write repeats
one request. A request that works once (a refresh token, a mailed link, a deletion) is a
`Pool`: the bench asks it for as many as a run needs before the run starts, and the pool
makes them through the local stack's gateway then (sign-ups, log-ins, creations), so
none of that lands in the time measured.

Requests go straight to the function, as API Gateway forwards them: the caller's claims
in the userinfo header, decoded from a real access token.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from pathlib import Path
from typing import Any, Callable

import requests

from devstack.stack import accounts
from devstack.stack.accounts import mailed_token

Request = tuple[str, str, dict[str, Any]]  # method, path, requests kwargs
Sample = Callable[[], Request]
PASSWORD = "correct horse battery"  # noqa: S105 - the bench accounts' password, on the local stack
RESET_SUBJECT = "Reset your"


class Pool:
    """A sample whose requests work once each: `prepare(n)` makes n of them ahead of a run."""

    def __init__(self, make: Callable[[], Request], warm: int = 3):
        self._make = make
        self._ready: list[Request] = []
        self.warm = warm  # fewer warm requests: each costs a request to the stack beforehand

    def prepare(self, count: int) -> None:
        self._ready += [self._make() for _ in range(max(0, count - len(self._ready)))]

    def __call__(self) -> Request:
        return self._ready.pop(0) if self._ready else self._make()


def claims(access_token: str) -> dict[str, str]:
    """The header API Gateway sends for this token: its payload, base64url."""
    payload = access_token.split(".")[1]
    raw = base64.urlsafe_b64encode(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return {"X-Apigateway-Api-Userinfo": raw.rstrip(b"=").decode()}


def stranger(headers: dict[str, str]) -> dict[str, str]:
    """The same claims for another, new user id: a rate limit per user does not stop a run."""
    raw = next(iter(headers.values()))
    payload = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    encoded = base64.urlsafe_b64encode(json.dumps({**payload, "sub": str(uuid.uuid4())}).encode())
    return {"X-Apigateway-Api-Userinfo": encoded.rstrip(b"=").decode()}


def _push(event_type: str, user_id: str, data: dict[str, Any]) -> dict[str, Any]:
    from wellness.platform.events import Event

    event = Event.new(event_type, user_id=user_id, data=data)
    return {"message": {"data": base64.b64encode(event.to_json()).decode(), "messageId": "bench"}}


def _user_created() -> Request:
    user_id = str(uuid.uuid4())
    data = {"userId": user_id, "email": f"{user_id[:8]}@example.com", "displayName": "Bench", "timezone": "UTC"}
    return ("POST", "/", {"json": _push("user.created", user_id, data)})


def signup_body() -> dict[str, str]:
    email = f"bench-{uuid.uuid4().hex[:10]}@example.com"
    return {"email": email, "password": PASSWORD, "displayName": "Bench", "timezone": "UTC"}


class World:
    """A verified account with an enrollment, a reflection, a post and a comment, made through the gateway."""

    def __init__(self, gateway: str, mail_dir: Path):
        self.gateway, self.mail_dir = gateway, mail_dir
        self.http = requests.Session()
        account = self._verified_account()
        self.email, self.user_id = account.email, account.user_id
        token = account.session.access_token
        accounts.wait_for_profile(gateway, token)  # made from user.created: the profile functions read it
        self.headers = claims(token)
        self.bearer = {"Authorization": f"Bearer {token}"}
        self._call("POST", "/v1/programs/mindful-7/enrollments", headers=self.bearer)
        tasks = self._call("GET", "/v1/me/tasks", headers=self.bearer)
        self.task_id = tasks["items"][0]["taskId"] if tasks.get("items") else "mindful-7-d1"
        self.reflection_id = self._reflection()
        self.post_id = self._call("POST", "/v1/community/posts", headers=self.bearer, json={"text": "Bench"})["id"]
        self.comment_id = self._comment()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, self.gateway + path, timeout=30, **kwargs)
        if response.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:300]}")
        return response.json() if response.content else None

    def _reflection(self) -> str:
        created = self._call("POST", "/v1/me/reflections", headers=self.bearer, json={"mood": 4, "text": "Bench"})
        return str(created["id"])

    def _comment(self) -> str:
        path = f"/v1/community/posts/{self.post_id}/comments"
        return str(self._call("POST", path, headers=self.bearer, json={"text": "Bench"})["id"])

    def _session(self) -> dict[str, Any]:
        session: dict[str, Any] = self._call("POST", "/v1/auth/login", json={"email": self.email, "password": PASSWORD})
        return session

    def _verified_account(self) -> accounts.Account:
        body = signup_body()
        return accounts.sign_up(
            self.gateway,
            email=body["email"],
            password=body["password"],
            display_name=body["displayName"],
            timezone=body["timezone"],
            mail_dir=self.mail_dir,
        )

    def _fresh_account(self) -> dict[str, Any]:
        account: dict[str, Any] = self._call("POST", "/v1/auth/signup", json=signup_body())
        return account

    def _mailed_reset(self) -> str:
        """A fresh account's reset link (a second reset of one address could supersede the first)."""
        email = self._fresh_account()["user"]["email"]
        self._call("POST", "/v1/auth/password-reset", json={"email": email})
        return mailed_token(self.mail_dir, email, RESET_SUBJECT)

    def _verification_link(self) -> str:
        from devstack.stack.accounts import VERIFICATION_SUBJECT

        account = self._fresh_account()
        return mailed_token(self.mail_dir, account["user"]["email"], VERIFICATION_SUBJECT)

    def _as(self, method: str, path: str, **kwargs: Any) -> Sample:
        return lambda: (method, path, {"headers": self.headers, **kwargs})

    def samples(self) -> dict[str, Sample]:
        """Every HTTP function's sample: its own where one is written below, else one from its route."""
        from devstack.catalog import load_catalog

        own = self.own_samples()
        routed = {fn.name: self.from_route(fn.route) for fn in load_catalog().functions if fn.route}
        return {**routed, **own}

    def from_route(self, route: str) -> Sample:
        """The catalog route as the bench's caller, each path parameter a fresh id, no body.

        Enough for an operation that answers its caller, as the one `scripts/new-function`
        scaffolds does; an operation that takes a body or needs records of its own gets its
        own sample in `own_samples` (a unit test holds every such operation to that).
        """
        method, path = route.split(" ", 1)
        return self._as(method, re.sub(r"\{[A-Za-z0-9]+\}", lambda _: uuid.uuid4().hex[:12], path))

    def own_samples(self) -> dict[str, Sample]:
        post = f"/v1/community/posts/{self.post_id}"
        me = self.headers
        return {
            "hello": lambda: ("GET", "/", {}),
            "auth-signup": lambda: ("POST", "/v1/auth/signup", {"json": signup_body()}),
            "auth-login": lambda: ("POST", "/v1/auth/login", {"json": {"email": self.email, "password": PASSWORD}}),
            "auth-refresh": Pool(
                lambda: ("POST", "/v1/auth/refresh", {"json": {"refreshToken": self._session()["refreshToken"]}})
            ),
            "auth-logout": Pool(
                lambda: ("POST", "/v1/auth/logout", {"headers": claims(self._session()["accessToken"])})
            ),
            "auth-password-reset": lambda: (
                "POST",
                "/v1/auth/password-reset",
                {"json": {"email": signup_body()["email"]}},
            ),
            "auth-password-reset-confirm": Pool(
                lambda: (
                    "POST",
                    "/v1/auth/password-reset/confirm",
                    {"json": {"token": self._mailed_reset(), "newPassword": PASSWORD}},
                ),
                warm=1,
            ),
            "auth-verify-email": Pool(
                lambda: ("POST", "/v1/auth/email-verification/confirm", {"json": {"token": self._verification_link()}}),
                warm=1,
            ),
            "auth-verification-resend": Pool(
                lambda: (
                    "POST",
                    "/v1/auth/email-verification",
                    {"headers": claims(self._fresh_account()["accessToken"])},
                )
            ),
            "auth-delete-me": Pool(
                lambda: ("DELETE", "/v1/me", {"headers": claims(self._fresh_account()["accessToken"])})
            ),
            "auth-jwks": lambda: ("GET", "/v1/auth/jwks", {}),
            "auth-export-me": self._as("GET", "/v1/me/export"),
            "outbox-relay": lambda: ("POST", "/", {"json": {}}),
            "profile-on-user-created": _user_created,
            "profile-get-mine": self._as("GET", "/v1/me/profile"),
            "profile-update-mine": self._as("PATCH", "/v1/me/profile", json={"bio": "b"}),
            "profile-get-public": self._as("GET", f"/v1/profiles/{self.user_id}"),
            "reflection-create": self._as("POST", "/v1/me/reflections", json={"mood": 3, "text": "Bench"}),
            "reflection-list": self._as("GET", "/v1/me/reflections"),
            "reflection-get": self._as("GET", f"/v1/me/reflections/{self.reflection_id}"),
            "reflection-delete": Pool(lambda: ("DELETE", f"/v1/me/reflections/{self._reflection()}", {"headers": me})),
            "community-feed": self._as("GET", "/v1/community/posts"),
            "community-post-get": self._as("GET", post),
            "community-comments-list": self._as("GET", f"{post}/comments"),
            "community-post-create": lambda: (
                "POST",
                "/v1/community/posts",
                {"json": {"text": "Bench"}, "headers": stranger(me)},
            ),
            "community-post-delete": Pool(self._own_post, warm=1),
            "community-comment-add": lambda: (
                "POST",
                f"{post}/comments",
                {"json": {"text": "Bench"}, "headers": stranger(me)},
            ),
            "community-comment-delete": Pool(
                lambda: ("DELETE", f"{post}/comments/{self._comment()}", {"headers": me}), warm=1
            ),
            "community-reaction-put": self._as("PUT", f"{post}/reactions/me"),
            "community-reaction-delete": self._as("DELETE", f"{post}/reactions/me"),
            "community-report-create": self._as("POST", f"{post}/reports", json={"reason": "bench"}),
            "program-list": self._as("GET", "/v1/programs"),
            "program-get": self._as("GET", "/v1/programs/mindful-7"),
            "program-enrollments-mine": self._as("GET", "/v1/me/enrollments"),
            "program-tasks-mine": self._as("GET", "/v1/me/tasks"),
            "program-complete-task": self._as("POST", f"/v1/me/tasks/{self.task_id}/completions", json={}),
            "program-enroll": Pool(lambda: self._leave_then("POST", "/v1/programs/sleep-10/enrollments")),
            "program-unenroll": Pool(lambda: self._join_then("DELETE", "/v1/programs/sleep-10/enrollments/me")),
            "reporting-summary": self._as("GET", "/v1/me/reports/summary"),
            "reporting-daily": self._as("GET", "/v1/me/reports/daily?from=2026-11-01&to=2026-11-30"),
            "program-on-user-created": _user_created,
            "reporting-on-user-created": _user_created,
        }

    def _own_post(self) -> Request:
        """A post of a fresh verified account (posting is limited to 5 a minute per user), to delete."""
        token = self._verified_account().session.access_token
        bearer = {"Authorization": f"Bearer {token}"}
        post = self._call("POST", "/v1/community/posts", headers=bearer, json={"text": "Bench"})
        return ("DELETE", f"/v1/community/posts/{post['id']}", {"headers": claims(token)})

    def _leave_then(self, method: str, path: str) -> Request:
        """Enrolling works once per account and program: each request comes from a fresh account."""
        session = self._fresh_account()
        return (method, path, {"headers": claims(session["accessToken"])})

    def _join_then(self, method: str, path: str) -> Request:
        session = self._fresh_account()
        bearer = {"Authorization": f"Bearer {session['accessToken']}"}
        self._call("POST", "/v1/programs/sleep-10/enrollments", headers=bearer)
        return (method, path, {"headers": claims(session["accessToken"])})
