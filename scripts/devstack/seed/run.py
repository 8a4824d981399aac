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
from typing import Any, TypeVar

import httpx

from devstack.seed.plan import SeedUser, comments_by, completes, plan_users, reactions_by, reflection_for
from devstack.stack import accounts
from devstack.stack.mailsink import newest_first
from wellness_api_client import AuthenticatedClient
from wellness_api_client.api.auth import auth_jwks, auth_login, auth_resend_verification
from wellness_api_client.api.community import (
    community_add_comment,
    community_create_post,
    community_get_post,
    community_list_comments,
    community_list_posts,
    community_put_reaction,
)
from wellness_api_client.api.profile import profile_get_mine, profile_update_mine
from wellness_api_client.api.program import (
    program_complete_task,
    program_enroll,
    program_list,
    program_list_my_enrollments,
    program_tasks_mine,
)
from wellness_api_client.api.reflection import reflection_create, reflection_list
from wellness_api_client.models import (
    Comment,
    CommentPage,
    Completion,
    CompletionRequest,
    DayTasks,
    Enrollment,
    EnrollmentPage,
    LoginRequest,
    NewComment,
    NewPost,
    NewReflection,
    Post,
    PostPage,
    Profile,
    ProfilePatch,
    ProgramPage,
    ReactionState,
    Reflection,
    ReflectionPage,
    Session,
)
from wellness_api_client.types import UNSET, Response

DEFAULT_PASSWORD = "wellness demo password"  # noqa: S105 - demo accounts of local and qa data, printed by design
PROFILE_TIMEOUT = 60.0
RETRIES_ON_429 = 5
M = TypeVar("M")


class SeedError(RuntimeError):
    """The API answered something the seed cannot go on from."""


class WaitOutThrottles(httpx.BaseTransport):
    """Sends a request again after a 429, waiting its Retry-After, a few times (qa's gateway throttles)."""

    def __init__(self, inner: httpx.BaseTransport | None = None, attempts: int = RETRIES_ON_429):
        self.inner, self.attempts = inner or httpx.HTTPTransport(), attempts

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for _ in range(self.attempts - 1):
            response = self.inner.handle_request(request)
            if response.status_code != 429:
                return response
            response.close()
            time.sleep(min(60.0, float(response.headers.get("Retry-After", "1"))))
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def expect(answer: Response[Any], model: type[M], *statuses: int, what: str) -> M:
    """The answer's parsed model, when its status is one of `statuses`; SeedError otherwise."""
    if answer.status_code not in statuses or not isinstance(answer.parsed, model):
        raise SeedError(f"{what}: {int(answer.status_code)} {answer.content[:300]!r}")
    return answer.parsed


class Seeder:
    """`mail_dir`: the local stack's mail folder, where the verification links arrive (none in the cloud)."""

    def __init__(
        self,
        base_url: str,
        password: str,
        say: Callable[[str], None] = print,
        mail_dir: Path | None = None,
        transport: httpx.BaseTransport | None = None,
    ):
        self.base_url, self.password, self.say, self.mail_dir = base_url.rstrip("/"), password, say, mail_dir
        self.transport = transport or WaitOutThrottles()
        self.anonymous = accounts.client(self.base_url, transport=self.transport)
        self.unverified: list[str] = []
        self.created: collections.Counter[str] = collections.Counter()
        self.found: collections.Counter[str] = collections.Counter()
        self.tokens: dict[str, str] = {}
        self.ids: dict[str, str] = {}

    def _count(self, what: str, created: bool) -> None:
        (self.created if created else self.found)[what] += 1

    def _as(self, token: str) -> AuthenticatedClient:
        return accounts.authenticated(self.base_url, token, transport=self.transport)

    # -- the one step that makes an account --------------------------------------------------
    def create_user(self, user: SeedUser) -> str:
        """Sign the user up, or log in when the address is taken; the access token.

        The only place an account comes into being: when sign-up starts to require a
        verified e-mail address, the verification step goes here (and only here).
        """
        try:
            account = accounts.sign_up(
                self.base_url,
                email=user.email,
                password=self.password,
                display_name=user.display_name,
                timezone=user.timezone,
                transport=self.transport,
            )
            self._count("users", True)
            session = account.session
        except accounts.AccountError as refused:
            if refused.status != 409:  # 409: a seeded user from an earlier run
                raise SeedError(str(refused)) from None
            login = auth_login.sync_detailed(
                client=self.anonymous, body=LoginRequest(email=user.email, password=self.password)
            )
            if login.status_code != 200 or not isinstance(login.parsed, Session):
                raise SeedError(
                    f"{user.email} exists but does not take the seed password ({int(login.status_code)}); "
                    "was it seeded with another --password?"
                ) from None
            self._count("users", False)
            session = login.parsed
        self.ids[user.email] = str(session.user.id)
        return self._verified(user, session)

    def _verified(self, user: SeedUser, session: Session) -> str:
        """The session's access token, once the address is verified (only verified accounts join the community).

        The link is in the mail the local stack received; an account from an earlier run
        whose mail is gone asks for a new link. Without a mail folder (a cloud gateway) the
        account stays unverified and the community step is skipped.
        """
        token = session.access_token
        if _claims(token).get("email_verified") is True:
            return token
        if self.mail_dir is None:
            self.unverified.append(user.email)
            return token
        if next(newest_first(self.mail_dir, lambda m: m["To"] == user.email, set()), None) is None:
            resent = auth_resend_verification.sync_detailed(client=self._as(token))
            if resent.status_code != 202:
                raise SeedError(f"a new link: {int(resent.status_code)} {resent.content[:300]!r}")
        verified = accounts.verify(
            self.base_url, self.mail_dir, user.email, session.refresh_token, transport=self.transport
        )
        self._count("verified addresses", True)
        return verified.access_token

    # -- per user ---------------------------------------------------------------------------
    def profile(self, user: SeedUser, me: AuthenticatedClient) -> None:
        deadline = time.monotonic() + PROFILE_TIMEOUT
        while (got := profile_get_mine.sync_detailed(client=me)).status_code == 404:
            if time.monotonic() > deadline:
                raise SeedError(f"{user.email}: no profile {PROFILE_TIMEOUT:.0f} s after sign-up (user.created)")
            time.sleep(0.5)  # the profile is made from the user.created event
        profile = expect(got, Profile, 200, what=f"{user.email} profile")
        changed = profile.bio != user.persona.bio
        if changed:
            patched = profile_update_mine.sync_detailed(client=me, body=ProfilePatch(bio=user.persona.bio))
            expect(patched, Profile, 200, what=f"{user.email} bio")
        self._count("bios", changed)

    def enrollments(self, user: SeedUser, me: AuthenticatedClient, catalog: set[str]) -> list[Enrollment]:
        listed = expect(
            program_list_my_enrollments.sync_detailed(client=me, limit=100), EnrollmentPage, 200, what="enrollments"
        )
        have = {e.program_id for e in listed.items}
        for program in user.persona.programs:
            if program in have:
                self._count("enrollments", False)
                continue
            if program not in catalog:
                self.say(f"seed: no program {program} in the catalog; {user.email} is not enrolled in it")
                continue
            enrolled = program_enroll.sync_detailed(program, client=me)
            if enrolled.status_code != 409:  # 409: enrolled meanwhile
                expect(enrolled, Enrollment, 201, what=f"{user.email} enroll {program}")
            self._count("enrollments", enrolled.status_code == 201)
        again = program_list_my_enrollments.sync_detailed(client=me, limit=100)
        return expect(again, EnrollmentPage, 200, what="enrollments").items

    def completions(self, user: SeedUser, me: AuthenticatedClient, enrollments: list[Enrollment]) -> dt.date:
        """Every planned completion on every due day up to today; returns today (the API's)."""
        today = expect(program_tasks_mine.sync_detailed(client=me), DayTasks, 200, what="tasks").date
        days = sorted({e.started_on + dt.timedelta(days=n) for e in enrollments for n in range(e.duration_days)})
        for day in (d for d in days if d <= today):
            tasks = expect(program_tasks_mine.sync_detailed(client=me, date=day), DayTasks, 200, what="tasks of a day")
            for task in tasks.items:
                if not completes(user, task.task_id, day):
                    continue
                if task.completed:
                    self._count("completions", False)
                    continue
                done = program_complete_task.sync_detailed(task.task_id, client=me, body=CompletionRequest(date=day))
                expect(done, Completion, 200, 201, what=f"{user.email} complete {task.task_id} on {day}")
                self._count("completions", done.status_code == 201)
        return today

    def reflection(self, user: SeedUser, me: AuthenticatedClient, today: dt.date) -> None:
        planned = reflection_for(user, today)
        if planned is None:
            return
        listed = expect(
            reflection_list.sync_detailed(client=me, from_=today, to=today, limit=100),
            ReflectionPage,
            200,
            what="reflections",
        )
        if any(item.text == planned["text"] for item in listed.items):
            self._count("reflections", False)
            return
        created = reflection_create.sync_detailed(client=me, body=NewReflection.from_dict(planned))
        expect(created, Reflection, 201, what="reflection")
        self._count("reflections", True)

    # -- the community -----------------------------------------------------------------------
    def _seeded_posts(self, me: AuthenticatedClient) -> dict[tuple[str, str], Post]:
        """(author id, text) -> post, for every post of a seeded author in the feed."""
        authors = set(self.ids.values())
        found: dict[tuple[str, str], Post] = {}
        cursor: str | None = None
        while True:
            answer = community_list_posts.sync_detailed(client=me, limit=100, cursor=cursor or UNSET)
            page = expect(answer, PostPage, 200, what="feed")
            for post in page.items:
                if post.author.user_id in authors:
                    found.setdefault((post.author.user_id, post.text), post)
            cursor = page.next_cursor
            if not cursor:
                return found

    def community(self, users: list[SeedUser]) -> None:
        if self.unverified:
            self.say(
                f"seed: community skipped: {len(self.unverified)} account(s) are not verified (the links were "
                "mailed; pass --mail-dir, which is the local stack's by default)"
            )
            return
        posts = self._seeded_posts(self._as(self.tokens[users[0].email]))
        for user in users:
            key = (self.ids[user.email], user.post_text)
            if key in posts:
                self._count("posts", False)
                continue
            body = NewPost(text=user.post_text, program_id=user.persona.programs[0])
            created = community_create_post.sync_detailed(client=self._as(self.tokens[user.email]), body=body)
            posts[key] = expect(created, Post, 201, what="post")
            self._count("posts", True)
        for user in users:
            me = self._as(self.tokens[user.email])
            for author, text in comments_by(user, users):
                post = posts[(self.ids[author.email], author.post_text)]
                answer = community_list_comments.sync_detailed(post.id, client=me, limit=100)
                listed = expect(answer, CommentPage, 200, what="comments")
                mine = any(c.author.user_id == self.ids[user.email] and c.text == text for c in listed.items)
                if not mine:
                    added = community_add_comment.sync_detailed(post.id, client=me, body=NewComment(text=text))
                    expect(added, Comment, 201, what="comment")
                self._count("comments", not mine)
            for author in reactions_by(user, users):
                post_id = posts[(self.ids[author.email], author.post_text)].id
                post = expect(community_get_post.sync_detailed(post_id, client=me), Post, 200, what="post")
                if not post.reacted_by_me:
                    reacted = community_put_reaction.sync_detailed(post_id, client=me)
                    expect(reacted, ReactionState, 200, what="reaction")
                self._count("reactions", not post.reacted_by_me)

    # -- all of it ---------------------------------------------------------------------------
    def run(self, users: list[SeedUser]) -> None:
        first = auth_jwks.sync_detailed(client=self.anonymous)
        if first.status_code != 200:
            raise SeedError(
                f"{self.base_url} does not look like the Wellness API (GET /v1/auth/jwks: {int(first.status_code)})"
            )
        for user in users:
            self.tokens[user.email] = self.create_user(user)
        listed = program_list.sync_detailed(client=self._as(self.tokens[users[0].email]), limit=100)
        catalog = {p.id for p in expect(listed, ProgramPage, 200, what="programs").items}
        for user in users:
            me = self._as(self.tokens[user.email])
            self.profile(user, me)
            enrollments = self.enrollments(user, me, catalog)
            today = self.completions(user, me, enrollments)
            self.reflection(user, me, today)
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
    seeder = Seeder(base_url, args.password, mail_dir=mail_dir)
    started = time.monotonic()
    try:
        seeder.run(users)
    except (SeedError, accounts.AccountError, httpx.HTTPError, KeyError, ValueError) as exc:
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
