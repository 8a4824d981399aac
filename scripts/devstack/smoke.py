"""The user-journey smoke test, against any gateway: the local stack or a deployed one.

    scripts/smoke --base-url http://127.0.0.1:8080 --mail-dir .local/stack/mail
    scripts/smoke --base-url https://wellness-qa-candidate-xxxx.ew.gateway.dev --event-timeout 30

The app's day, every domain, with a fresh account: sign up, confirm the mailed verification
link (from `--mail-dir`, the local stack's mail folder), log in and refresh; the profile that
`user.created` makes, patched and read back; a program enrolled, today's task completed and
counted in the summary (`task.completed` → reporting); a reflection logged, listed and counted
(`reflection.logged` → reporting); a post, a comment and a reaction (verified accounts only);
then the account deleted: its password no longer logs in and `user.deleted` erases what the
other domains kept (read back with the last token: reads of an ended session still answer,
and must answer empty). A deploy's smoke run leaves no account behind, in qa or in prod: when
a step fails after sign-up, the account is still deleted before the failure is reported.

Without a mailbox the account stays unverified and the community steps are reported as not
tried (a deployed environment's mail leaves for real inboxes). Prints one line per step; exit
0 when every step tried passed, 1 at the first that did not (the deploy then never promotes).
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

COMMUNITY = ("post created", "comment added", "reaction counted", "post deleted")


class SmokeFailure(AssertionError):
    pass


def check(condition: bool, step: str, response: requests.Response | None = None) -> None:
    if not condition:
        detail = f" ({response.status_code}: {response.text[:300]})" if response is not None else ""
        raise SmokeFailure(f"{step} failed{detail}")


@dataclass
class Journey:
    """One smoke account's way through the API; `done` names the steps that passed, in order."""

    http: requests.Session
    base: str
    event_timeout: float
    mail_dir: Path | None
    done: list[str] = field(default_factory=list)
    not_tried: list[str] = field(default_factory=list)
    token: str = ""

    def call(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.http.request(method, self.base + path, headers=headers, timeout=20, **kwargs)

    def me(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.call(method, path, self.token, **kwargs)

    def until(self, step: str, read: Callable[[], requests.Response], ok: Callable[[requests.Response], bool]) -> Any:
        """Read until `ok` (an event's effect arrives a moment after the write), else fail the step."""
        deadline = time.monotonic() + self.event_timeout
        while not ok(answer := read()) and time.monotonic() < deadline:
            time.sleep(0.25)
        check(ok(answer), step, answer)
        self.done.append(step)
        return answer.json() if answer.content else None


def journey(
    base_url: str, event_timeout: float = 10.0, mail_dir: Path | None = None, http: requests.Session | None = None
) -> Journey:
    """Run the journey; returns it (its steps passed), raises SmokeFailure at the first step that did not."""
    run = Journey(http or requests.Session(), base_url.rstrip("/"), event_timeout, mail_dir)
    account = {
        "email": f"smoke-{uuid.uuid4().hex[:12]}@example.com",
        "password": "correct horse battery staple",
        "displayName": "Smoke Test",
        "timezone": "Europe/London",
    }
    signup = run.call("POST", "/v1/auth/signup", json=account)
    check(signup.status_code == 201 and signup.headers.get("X-Request-Id") is not None, "sign up", signup)
    run.token = signup.json()["accessToken"]
    run.done.append("sign up")
    try:
        _signed_up(run, account, signup.json()["user"]["id"])
    except BaseException:
        _delete_account(run, account, quiet=True)
        raise
    return run


def _signed_up(run: Journey, account: dict[str, str], user_id: str) -> None:
    verified = _verify(run, account["email"])
    login = run.call("POST", "/v1/auth/login", json={"email": account["email"], "password": account["password"]})
    check(login.status_code == 200 and login.json()["user"]["id"] == user_id, "log in", login)
    refreshed = run.call("POST", "/v1/auth/refresh", json={"refreshToken": login.json()["refreshToken"]})
    check(refreshed.status_code == 200 and refreshed.json()["user"]["id"] == user_id, "log in and refresh", refreshed)
    run.token = refreshed.json()["accessToken"]
    run.done.append("log in and refresh")

    run.until("profile appears", lambda: run.me("GET", "/v1/me/profile"), lambda r: r.status_code == 200)
    patched = run.me("PATCH", "/v1/me/profile", json={"bio": "Smoke-tested"})
    again = run.me("GET", "/v1/me/profile")
    check(patched.status_code == 200 and again.json().get("bio") == "Smoke-tested", "patch and read back", again)
    run.done.append("patch and read back")

    _program_day(run)
    _reflection(run)
    if verified:
        _community(run)
    else:
        run.not_tried.extend(COMMUNITY)

    anonymous = run.call("GET", "/v1/me/profile")
    check(anonymous.status_code == 401, "anonymous call refused", anonymous)
    run.done.append("anonymous call refused")
    _delete_account(run, account)
    _erased(run, user_id)


def _verify(run: Journey, email: str) -> bool:
    """Confirm the link mailed at sign-up (posting, commenting and reacting need it)."""
    if run.mail_dir is None:
        run.not_tried.append("e-mail verified")
        return False
    from devstack.stack.accounts import VERIFICATION_SUBJECT, mailed_token

    token = mailed_token(run.mail_dir, email, VERIFICATION_SUBJECT, run.event_timeout)
    confirmed = run.call("POST", "/v1/auth/email-verification/confirm", json={"token": token})
    check(confirmed.status_code == 204, "e-mail verified", confirmed)
    run.done.append("e-mail verified")
    return True


def _program_day(run: Journey) -> None:
    programs = run.me("GET", "/v1/programs")
    check(programs.status_code == 200 and programs.json()["items"], "programs listed", programs)
    program = programs.json()["items"][0]["id"]
    run.done.append("programs listed")
    enrolled = run.me("POST", f"/v1/programs/{program}/enrollments")
    check(enrolled.status_code == 201 and enrolled.json()["programId"] == program, "enrolled", enrolled)
    day = enrolled.json()["startedOn"]  # its first day: due whatever the hour in the account's zone
    run.done.append("enrolled")
    tasks = run.me("GET", "/v1/me/tasks", params={"date": day})
    first = [t for t in tasks.json().get("items", []) if t["programId"] == program] if tasks.ok else []
    check(len(first) == 1 and not first[0]["completed"], "today's tasks", tasks)
    run.done.append("today's tasks")
    completed = run.me("POST", f"/v1/me/tasks/{first[0]['taskId']}/completions", json={"date": day})
    check(completed.status_code == 201 and completed.json()["date"] == day, "task completed", completed)
    run.done.append("task completed")
    run.until(
        "completion reported",
        lambda: run.me("GET", "/v1/me/reports/summary"),
        lambda r: r.status_code == 200 and r.json()["tasksCompleted"] >= 1,
    )


def _reflection(run: Journey) -> None:
    logged = run.me("POST", "/v1/me/reflections", json={"mood": 4, "text": "Smoke-tested, calmly.", "tags": ["smoke"]})
    check(logged.status_code == 201, "reflection logged", logged)
    run.done.append("reflection logged")
    listed = run.me("GET", "/v1/me/reflections")
    ids = [r["id"] for r in listed.json().get("items", [])] if listed.ok else []
    check(logged.json()["id"] in ids, "reflection listed", listed)
    run.done.append("reflection listed")
    run.until(
        "reflection reported",
        lambda: run.me("GET", "/v1/me/reports/summary"),
        lambda r: r.status_code == 200 and r.json()["reflectionsLogged"] >= 1,
    )


def _community(run: Journey) -> None:
    post = run.me("POST", "/v1/community/posts", json={"text": "Smoke test: day one done."})
    check(post.status_code == 201, "post created", post)
    post_id = post.json()["id"]
    run.done.append("post created")
    comment = run.me("POST", f"/v1/community/posts/{post_id}/comments", json={"text": "Well done, smoke."})
    check(comment.status_code == 201 and comment.json()["postId"] == post_id, "comment added", comment)
    run.done.append("comment added")
    reacted = run.me("PUT", f"/v1/community/posts/{post_id}/reactions/me")
    check(reacted.status_code == 200 and reacted.json()["reacted"], "reaction counted", reacted)
    read = run.me("GET", f"/v1/community/posts/{post_id}")
    body = read.json() if read.ok else {}
    check(body.get("reactionCount") == 1 and body.get("commentCount") == 1, "reaction counted", read)
    run.done.append("reaction counted")
    deleted = run.me("DELETE", f"/v1/community/posts/{post_id}")
    gone = run.me("GET", f"/v1/community/posts/{post_id}")
    check(deleted.status_code == 204 and gone.status_code == 404, "post deleted", gone)
    run.done.append("post deleted")


def _delete_account(run: Journey, account: dict[str, str], quiet: bool = False) -> None:
    """DELETE /v1/me, then the password must no longer log in. `quiet`: best effort, while failing anyway."""
    try:
        deleted = run.me("DELETE", "/v1/me")
        check(deleted.status_code == 204, "account deleted", deleted)
        login = run.call("POST", "/v1/auth/login", json={"email": account["email"], "password": account["password"]})
        check(login.status_code == 401, "account deleted (its password still logs in)", login)
    except (SmokeFailure, requests.RequestException) as exc:
        if not quiet:
            raise
        print(f"smoke: could not delete the smoke account {account['email']}: {exc}", file=sys.stderr)
        return
    run.done.append("account deleted")


def _erased(run: Journey, user_id: str) -> None:
    """`user.deleted` reaches every domain: the ended session's reads find nothing of the account."""
    empty = {
        "profile erased": ("/v1/me/profile", lambda r: r.status_code == 404),
        "public profile erased": (f"/v1/profiles/{user_id}", lambda r: r.status_code == 404),
        "enrollments erased": ("/v1/me/enrollments", lambda r: r.status_code == 200 and not r.json()["items"]),
        "reflections erased": ("/v1/me/reflections", lambda r: r.status_code == 200 and not r.json()["items"]),
        "reports erased": (
            "/v1/me/reports/summary",
            lambda r: r.status_code == 200 and r.json()["tasksCompleted"] == r.json()["reflectionsLogged"] == 0,
        ),
    }
    for step, (path, ok) in empty.items():
        run.until(step, functools.partial(run.me, "GET", path), ok)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="scripts/smoke", description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True, help="the gateway's base URL")
    parser.add_argument(
        "--event-timeout",
        "--profile-timeout",
        type=float,
        default=10.0,
        help="seconds to wait for an event's effect (the profile, a report, an erasure)",
    )
    parser.add_argument("--mail-dir", type=Path, help="the folder of the environment's mail (the local stack's)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        run = journey(args.base_url, args.event_timeout, args.mail_dir)
    except (SmokeFailure, requests.RequestException, KeyError, ValueError, TimeoutError) as exc:
        print(f"smoke: FAILED: {exc}", file=sys.stderr)
        return 1
    for step in run.done:
        print(f"smoke: ok  {step}")
    for step in run.not_tried:
        print(f"smoke: not tried  {step} (no --mail-dir: the account is not verified)")
    print(f"smoke: {len(run.done)} passed, 0 failed in {time.monotonic() - started:.1f}s against {args.base_url}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
