"""`scripts/seed`: the demo data set, through the public API only, idempotent.

    scripts/seed                                   # the local stack's gateway (scripts/dev up)
    scripts/seed --base-url https://qa-gateway.example --users 12

Creates the users of `plan.py` (several time zones), their profiles' bios, their
enrollments, every planned completion of a day that is due (today and the past days
of their enrollments), today's planned reflection, one post each, comments and
reactions on each other's posts; then prints the demo accounts and what it created.

Seeded accounts are recognised by their fixed addresses (`seed.<handle>@example.com`);
everything else is checked before it is created (enrollments, the day's completions,
today's reflection by its text, posts and comments by author and text, reactions by
`reactedByMe`), so a second run the same day creates nothing. What the API cannot
back-date it cannot seed: an enrollment starts today and a reflection is dated today,
so a fresh data set has one day of history; each later run (qa runs it on every
deploy) adds the days in between, completions included.
"""

from __future__ import annotations

import argparse
import base64
import collections
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from devstack.seed.plan import SeedUser, comments_by, completes, plan_users, reactions_by, reflection_for
from devstack.stack import accounts
from devstack.stack.mailsink import newest_first

DEFAULT_PASSWORD = "wellness demo password"  # noqa: S105 - demo accounts of local and qa data, printed by design
PROFILE_TIMEOUT = 60.0


class SeedError(RuntimeError):
    """The API answered something the seed cannot go on from."""


class Api:
    """The public API as the app calls it, waiting out 429s (Retry-After) a few times."""

    def __init__(self, base_url: str, http: requests.Session | None = None):
        self.base_url = base_url.rstrip("/")
        self.http = http or requests.Session()

    def call(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for _ in range(5):
            response = self.http.request(method, self.base_url + path, headers=headers, timeout=30, **kwargs)
            if response.status_code != 429:
                return response
            time.sleep(min(60.0, float(response.headers.get("Retry-After", "1"))))
        return response

    def expect(self, response: requests.Response, *statuses: int, what: str) -> Any:
        if response.status_code not in statuses:
            raise SeedError(f"{what}: {response.status_code} {response.text[:300]}")
        return response.json() if response.content else None


class Seeder:
    """`mail_dir`: the local stack's mail folder, where the verification links arrive (none in the cloud)."""

    def __init__(self, api: Api, password: str, say: Callable[[str], None] = print, mail_dir: Path | None = None):
        self.api, self.password, self.say, self.mail_dir = api, password, say, mail_dir
        self.unverified: list[str] = []
        self.created: collections.Counter[str] = collections.Counter()
        self.found: collections.Counter[str] = collections.Counter()
        self.tokens: dict[str, str] = {}
        self.ids: dict[str, str] = {}

    def _count(self, what: str, created: bool) -> None:
        (self.created if created else self.found)[what] += 1

    # -- the one step that makes an account --------------------------------------------------
    def create_user(self, user: SeedUser) -> str:
        """Sign the user up, or log in when the address is taken; the access token.

        The only place an account comes into being: when sign-up starts to require a
        verified e-mail address, the verification step goes here (and only here).
        """
        try:
            account = accounts.sign_up(
                self.api.base_url,
                email=user.email,
                password=self.password,
                display_name=user.display_name,
                timezone=user.timezone,
            )
            self._count("users", True)
            session = account.session.to_dict()
        except accounts.AccountError as refused:
            if refused.status != 409:  # 409: a seeded user from an earlier run
                raise SeedError(str(refused)) from None
            login = self.api.call("POST", "/v1/auth/login", json={"email": user.email, "password": self.password})
            if login.status_code != 200:
                raise SeedError(
                    f"{user.email} exists but does not take the seed password ({login.status_code}); "
                    "was it seeded with another --password?"
                ) from None
            self._count("users", False)
            session = login.json()
        self.ids[user.email] = session["user"]["id"]
        return self._verified(user, session)

    def _verified(self, user: SeedUser, session: dict[str, Any]) -> str:
        """The session's access token, once the address is verified (only verified accounts join the community).

        The link is in the mail the local stack received; an account from an earlier run
        whose mail is gone asks for a new link. Without a mail folder (a cloud gateway) the
        account stays unverified and the community step is skipped.
        """
        token = str(session["accessToken"])
        if _claims(token).get("email_verified") is True:
            return token
        if self.mail_dir is None:
            self.unverified.append(user.email)
            return token
        if next(newest_first(self.mail_dir, lambda m: m["To"] == user.email, set()), None) is None:
            self.api.expect(self.api.call("POST", "/v1/auth/email-verification", token), 202, what="a new link")
        verified = accounts.verify(self.api.base_url, self.mail_dir, user.email, session["refreshToken"])
        self._count("verified addresses", True)
        return verified.access_token

    # -- per user ---------------------------------------------------------------------------
    def profile(self, user: SeedUser, token: str) -> None:
        deadline = time.monotonic() + PROFILE_TIMEOUT
        while (got := self.api.call("GET", "/v1/me/profile", token)).status_code == 404:
            if time.monotonic() > deadline:
                raise SeedError(f"{user.email}: no profile {PROFILE_TIMEOUT:.0f} s after sign-up (user.created)")
            time.sleep(0.5)  # the profile is made from the user.created event
        profile = self.api.expect(got, 200, what=f"{user.email} profile")
        changed = profile.get("bio") != user.persona.bio
        if changed:
            patched = self.api.call("PATCH", "/v1/me/profile", token, json={"bio": user.persona.bio})
            self.api.expect(patched, 200, what=f"{user.email} bio")
        self._count("bios", changed)

    def enrollments(self, user: SeedUser, token: str, catalog: set[str]) -> list[dict[str, Any]]:
        listed = self.api.expect(self.api.call("GET", "/v1/me/enrollments?limit=100", token), 200, what="enrollments")
        have = {e["programId"] for e in listed["items"]}
        for program in user.persona.programs:
            if program in have:
                self._count("enrollments", False)
                continue
            if program not in catalog:
                self.say(f"seed: no program {program} in the catalog; {user.email} is not enrolled in it")
                continue
            enrolled = self.api.call("POST", f"/v1/programs/{program}/enrollments", token)
            self.api.expect(enrolled, 201, 409, what=f"{user.email} enroll {program}")
            self._count("enrollments", enrolled.status_code == 201)
        again = self.api.call("GET", "/v1/me/enrollments?limit=100", token)
        return list(self.api.expect(again, 200, what="enrollments")["items"])

    def completions(self, user: SeedUser, token: str, enrollments: list[dict[str, Any]]) -> dt.date:
        """Every planned completion on every due day up to today; returns today (the API's)."""
        today = dt.date.fromisoformat(
            self.api.expect(self.api.call("GET", "/v1/me/tasks", token), 200, what="tasks")["date"]
        )
        days = sorted(
            {
                dt.date.fromisoformat(e["startedOn"]) + dt.timedelta(days=n)
                for e in enrollments
                for n in range(int(e["durationDays"]))
            }
        )
        for day in (d for d in days if d <= today):
            tasks = self.api.expect(
                self.api.call("GET", f"/v1/me/tasks?date={day.isoformat()}", token), 200, what="tasks of a day"
            )
            for task in tasks["items"]:
                if not completes(user, task["taskId"], day):
                    continue
                if task["completed"]:
                    self._count("completions", False)
                    continue
                done = self.api.call(
                    "POST", f"/v1/me/tasks/{task['taskId']}/completions", token, json={"date": day.isoformat()}
                )
                self.api.expect(done, 200, 201, what=f"{user.email} complete {task['taskId']} on {day}")
                self._count("completions", done.status_code == 201)
        return today

    def reflection(self, user: SeedUser, token: str, today: dt.date) -> None:
        planned = reflection_for(user, today)
        if planned is None:
            return
        query = {"from": today.isoformat(), "to": today.isoformat(), "limit": 100}
        listed = self.api.expect(
            self.api.call("GET", "/v1/me/reflections", token, params=query), 200, what="reflections"
        )
        if any(item["text"] == planned["text"] for item in listed["items"]):
            self._count("reflections", False)
            return
        self.api.expect(self.api.call("POST", "/v1/me/reflections", token, json=planned), 201, what="reflection")
        self._count("reflections", True)

    # -- the community -----------------------------------------------------------------------
    def _seeded_posts(self, token: str) -> dict[tuple[str, str], dict[str, Any]]:
        """(author id, text) -> post, for every post of a seeded author in the feed."""
        authors = set(self.ids.values())
        found: dict[tuple[str, str], dict[str, Any]] = {}
        cursor: str | None = None
        while True:
            query = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            page = self.api.expect(self.api.call("GET", "/v1/community/posts", token, params=query), 200, what="feed")
            for post in page["items"]:
                if post["author"]["userId"] in authors:
                    found.setdefault((post["author"]["userId"], post["text"]), post)
            cursor = page.get("nextCursor")
            if not cursor:
                return found

    def community(self, users: list[SeedUser]) -> None:
        if self.unverified:
            self.say(
                f"seed: community skipped: {len(self.unverified)} account(s) are not verified (the links were "
                "mailed; pass --mail-dir, which is the local stack's by default)"
            )
            return
        posts = self._seeded_posts(self.tokens[users[0].email])
        for user in users:
            key = (self.ids[user.email], user.post_text)
            if key in posts:
                self._count("posts", False)
                continue
            body = {"text": user.post_text, "programId": user.persona.programs[0]}
            posts[key] = self.api.expect(
                self.api.call("POST", "/v1/community/posts", self.tokens[user.email], json=body), 201, what="post"
            )
            self._count("posts", True)
        for user in users:
            token = self.tokens[user.email]
            for author, text in comments_by(user, users):
                post = posts[(self.ids[author.email], author.post_text)]
                listed = self.api.expect(
                    self.api.call("GET", f"/v1/community/posts/{post['id']}/comments?limit=100", token),
                    200,
                    what="comments",
                )
                mine = any(c["author"]["userId"] == self.ids[user.email] and c["text"] == text for c in listed["items"])
                if not mine:
                    added = self.api.call(
                        "POST", f"/v1/community/posts/{post['id']}/comments", token, json={"text": text}
                    )
                    self.api.expect(added, 201, what="comment")
                self._count("comments", not mine)
            for author in reactions_by(user, users):
                post_id = posts[(self.ids[author.email], author.post_text)]["id"]
                post = self.api.expect(self.api.call("GET", f"/v1/community/posts/{post_id}", token), 200, what="post")
                if not post["reactedByMe"]:
                    reacted = self.api.call("PUT", f"/v1/community/posts/{post_id}/reactions/me", token)
                    self.api.expect(reacted, 200, what="reaction")
                self._count("reactions", not post["reactedByMe"])

    # -- all of it ---------------------------------------------------------------------------
    def run(self, users: list[SeedUser]) -> None:
        first = self.api.call("GET", "/v1/auth/jwks")
        if first.status_code != 200:
            raise SeedError(
                f"{self.api.base_url} does not look like the Wellness API (GET /v1/auth/jwks: {first.status_code})"
            )
        for user in users:
            self.tokens[user.email] = self.create_user(user)
        token = self.tokens[users[0].email]
        listed = self.api.expect(self.api.call("GET", "/v1/programs?limit=100", token), 200, what="programs")
        catalog = {p["id"] for p in listed["items"]}
        for user in users:
            token = self.tokens[user.email]
            self.profile(user, token)
            enrollments = self.enrollments(user, token, catalog)
            today = self.completions(user, token, enrollments)
            self.reflection(user, token, today)
            self.say(f"seed: {user.email} ({user.timezone}) ready")
        self.community(users)


def _claims(token: str) -> dict[str, Any]:
    """An access token's claims, unverified: only to know whether to verify the address."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


def local_stack() -> tuple[str, Path] | None:
    """The gateway and mail folder of the local stack (scripts/dev up), when one is running."""
    from devstack.stack.layout import DEFAULT_STATE_DIR
    from devstack.stack.state import StackState

    state = StackState.load(Path(os.environ.get("DEVSTACK_STATE_DIR", DEFAULT_STATE_DIR)))
    return (state.gateway_url, state.state_dir / "mail") if state and state.gateway_url else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/seed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="the gateway (default: the local stack's, from scripts/dev up)")
    parser.add_argument("--mail-dir", type=Path, help="where verification mails arrive (default: the local stack's)")
    parser.add_argument("--users", type=int, default=8, help="how many users (default 8: the named personas)")
    parser.add_argument(
        "--password",
        default=os.environ.get("SEED_PASSWORD") or DEFAULT_PASSWORD,
        help="the demo accounts' password (default $SEED_PASSWORD, else a fixed demo one)",
    )
    args = parser.parse_args(argv)
    local = local_stack()
    base_url = args.base_url or (local[0] if local else None)
    mail_dir = args.mail_dir or (local[1] if local and base_url == local[0] else None)
    if not base_url:
        print("seed: no --base-url and no local stack running (scripts/dev up)", file=sys.stderr)
        return 2
    if not 1 <= args.users <= 500 or len(args.password) < 10:
        print("seed: --users must be 1..500 and --password at least 10 characters", file=sys.stderr)
        return 2
    users = plan_users(args.users)
    seeder = Seeder(Api(base_url), args.password, mail_dir=mail_dir)
    started = time.monotonic()
    try:
        seeder.run(users)
    except (SeedError, requests.RequestException, KeyError, ValueError) as exc:
        print(f"seed: FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"\nseed: demo accounts on {base_url} (password for all: {args.password!r})")
    for user in users:
        print(f"  {user.email:<32} {user.timezone:<22} {', '.join(user.persona.programs)}")
    kinds = sorted(set(seeder.created) | set(seeder.found))
    print("seed: created " + ", ".join(f"{seeder.created[k]} {k}" for k in kinds))
    print("seed: already there " + ", ".join(f"{seeder.found[k]} {k}" for k in kinds))
    print(f"seed: done in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
