"""The load model (model.py) carried out by Locust: one `AppUser` is one phone.

This is a locustfile: `scripts/load` runs `locust -f` on it in a process of its own (Locust
patches the standard library for gevent, which the report's samplers must not share).
Every request goes to Locust's `--host`, the gateway given to `scripts/load`, and is named by
its route template, so the report has one row per route.

A request counts as failed when its status is not the one the app expects (a 429 included:
throttling under load is a finding, not noise).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

from devstack.load import model

RUN_ID = os.environ.get("LOAD_RUN_ID") or uuid.uuid4().hex[:8]
PASSWORD = "load test password"  # noqa: S105 - throwaway accounts of a load run
EMAIL_DOMAIN = "example.com"  # RFC 2606: mail to it is never delivered
MAIL_DIR = os.environ.get("LOAD_MAIL_DIR")  # the local stack's mail folder: load users verify their addresses
SAMPLES = os.environ.get("LOAD_SAMPLES")  # where every request's time goes, one JSON line each (report.py)
_numbers = itertools.count(1)
_MOODS = (2, 3, 3, 4, 4, 5)
_TEXTS = ("Slept well.", "A calm walk before work.", "Hard day, the breathing helped.", "Tired but did it.")


if SAMPLES:
    _samples = open(SAMPLES, "a", buffering=1)  # noqa: SIM115 - open for the whole run, line-buffered

    def _record(name: str, response_time: float, exception: BaseException | None, **_: Any) -> None:
        """Each request's name, end time, milliseconds and outcome: the report's steady-phase percentiles."""
        line = {"t": round(time.time(), 3), "route": name, "ms": round(response_time, 1), "ok": exception is None}
        _samples.write(json.dumps(line) + "\n")

    def _spawned(user_count: int, **_: Any) -> None:
        _samples.write(json.dumps({"t": round(time.time(), 3), "spawned": user_count}) + "\n")

    events.request.add_listener(_record)  # type: ignore[no-untyped-call]
    events.spawning_complete.add_listener(_spawned)  # type: ignore[no-untyped-call]


def email_for(number: int) -> str:
    """The address of one load user: recognisable (`load-<run>-<n>@example.com`), unique per run."""
    return f"load-{RUN_ID}-{number}@{EMAIL_DOMAIN}"


def sign_up(user: AppUser) -> bool:
    """Make the user's account and keep its tokens; False when the API refused.

    The only place a load user's account comes into being, verified as the app's users are
    (`verify`). Sign-up is throttled per client and per address: every load user comes from
    one address, which the local stack's per-client limit (SIGNUP_MAX_PER_CLIENT) allows.
    """
    account = {
        "email": email_for(next(_numbers)),
        "password": PASSWORD,
        "displayName": "Load",
        "timezone": random.choice(("Europe/London", "Asia/Tokyo", "America/New_York", "UTC")),  # noqa: S311
    }
    session = user.call("POST", "/v1/auth/signup", expect=(201,), json=account)
    if session is None:
        return False
    user.email = account["email"]
    user.keep(session)
    return verify(user) if MAIL_DIR else True


def verify(user: AppUser) -> bool:
    """Open the mailed verification link, then refresh: the new access token says email_verified.

    Against the local stack (its mail folder, LOAD_MAIL_DIR); a cloud gateway's users stay
    unverified, and their posts, comments and reactions answer 403 (counted as errors).
    """
    from devstack.stack.accounts import VERIFICATION_SUBJECT, mailed_token

    try:  # Locust runs under gevent: the wait's sleeps yield to the other users
        token = mailed_token(Path(MAIL_DIR or "."), user.email, VERIFICATION_SUBJECT, timeout=30)
    except TimeoutError:
        return False
    confirmed = user.call("POST", "/v1/auth/email-verification/confirm", expect=(204,), json={"token": token})
    if confirmed is None:
        return False
    refreshed = user.call("POST", "/v1/auth/refresh", expect=(200,), json={"refreshToken": user.refresh})
    if refreshed is None:
        return False
    user.keep(refreshed)
    return True


class AppUser(HttpUser):
    """One phone: signs up once, enrolls, then opens the app in sessions (model.py)."""

    wait_time = between(*model.SESSION_GAP)

    def on_start(self) -> None:
        self.client.trust_env = False  # never through a proxy from the environment: the gateway given, nothing else
        self.email = ""
        self.access: str | None = None
        self.refresh: str | None = None
        if not sign_up(self):
            self.stop()
            return
        for program in model.PROGRAMS:
            self.call(
                "POST",
                f"/v1/programs/{program}/enrollments",
                "POST /v1/programs/{programId}/enrollments",
                expect=(201, 409),
            )
        self.pause(model.ONBOARDING)

    # -- the session (model.py, in order) -------------------------------------------------
    @task
    def session(self) -> None:
        self.renew()
        self.pause()
        tasks = self.call("GET", "/v1/me/tasks")
        self.pause()
        self.call("GET", "/v1/me/reports/summary")
        if tasks and self.chance(model.SESSION_STEPS["complete_task"]):
            self.pause()
            self.complete(tasks["items"])
        if self.chance(model.SESSION_STEPS["reflection"]):
            self.pause()
            body = {"mood": random.choice(_MOODS), "text": random.choice(_TEXTS), "tags": ["calm"]}  # noqa: S311
            self.call("POST", "/v1/me/reflections", expect=(201,), json=body, idempotent=True)
        if self.chance(model.SESSION_STEPS["profile"]):
            self.pause()
            self.call("GET", "/v1/me/profile")
        if self.chance(model.SESSION_STEPS["feed"]):
            self.pause()
            self.feed()

    def renew(self) -> None:
        if self.refresh is None or self.chance(model.LOGIN_SHARE):
            session = self.call("POST", "/v1/auth/login", json={"email": self.email, "password": PASSWORD})
        else:
            session = self.call("POST", "/v1/auth/refresh", json={"refreshToken": self.refresh})
        if session is not None:
            self.keep(session)

    def complete(self, items: list[dict[str, Any]]) -> None:
        # When today's tasks are all done, send one again: the app's retry after a lost answer
        # (200 with the same body), so the route keeps its share when a run outlasts the day's tasks.
        open_ = [t for t in items if not t["completed"]] or items
        if open_:
            task_id = random.choice(open_)["taskId"]  # noqa: S311
            self.call(
                "POST",
                f"/v1/me/tasks/{task_id}/completions",
                "POST /v1/me/tasks/{taskId}/completions",
                expect=(200, 201),
            )

    def feed(self) -> None:
        page = self.call("GET", "/v1/community/posts?limit=20", "GET /v1/community/posts")
        posts = page["items"] if page else []
        newest = posts[0] if posts else None
        if newest and self.chance(model.FEED_ACTIONS["react"]):
            self.pause()
            method = "DELETE" if newest["reactedByMe"] else "PUT"
            self.call(
                method,
                f"/v1/community/posts/{newest['id']}/reactions/me",
                f"{method} /v1/community/posts/{{postId}}/reactions/me",
            )
        if newest and self.chance(model.FEED_ACTIONS["comment"]):
            self.pause()
            self.call(
                "POST",
                f"/v1/community/posts/{newest['id']}/comments",
                "POST /v1/community/posts/{postId}/comments",
                expect=(201,),
                json={"text": "Well done!"},
                idempotent=True,
            )
        if self.chance(model.FEED_ACTIONS["post"]):
            self.pause()
            body = {"text": random.choice(_TEXTS), "programId": random.choice(model.PROGRAMS)}  # noqa: S311
            self.call("POST", "/v1/community/posts", expect=(201,), json=body, idempotent=True)

    # -- plumbing ---------------------------------------------------------------------------
    def keep(self, session: dict[str, Any]) -> None:
        self.access, self.refresh = session["accessToken"], session["refreshToken"]

    def pause(self, seconds: tuple[float, float] = model.THINK) -> None:
        self._sleep(random.uniform(*seconds))  # noqa: S311

    def _sleep(self, seconds: float) -> None:
        import gevent

        gevent.sleep(seconds)

    @staticmethod
    def chance(probability: float) -> bool:
        return random.random() < probability  # noqa: S311

    def call(
        self,
        method: str,
        path: str,
        name: str | None = None,
        *,
        expect: Iterable[int] = (200,),
        idempotent: bool = False,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        """The answer's JSON when its status is expected, else None (and the request counts as failed)."""
        headers = {"Authorization": f"Bearer {self.access}"} if self.access else {}
        if idempotent:  # what the app sends with every create, so a retry never makes two
            headers["Idempotency-Key"] = str(uuid.uuid4())
        name = name or f"{method} {path.split('?')[0]}"
        with self.client.request(
            method, path, name=name, headers=headers, catch_response=True, allow_redirects=False, **kwargs
        ) as response:
            if response.status_code in tuple(expect):
                response.success()
                return response.json() if response.content else {}
            try:
                code = response.json()["error"]["code"]
            except (ValueError, KeyError, TypeError):
                code = (response.text or "")[:80]
            # Status and error code only: a request id would make every failure a row of its own.
            response.failure(f"{response.status_code} {code}")
            return None
