"""A valid request for every operation of the contract: the control sent around every hostile one.

`prepare(ctx, op)` arranges what the operation needs and returns a request that answers
2xx when sent as is; hostile variants are that request with one input replaced.

By default a request is derived from the contract: the shared user's token, path
parameters from tests/security/registry.py (which every protected operation with an
id must have), the body's `example`, and the required query parameters. An operation
whose valid request cannot be sent twice (sign-up's address, a one-use token, a
rate limit, a deletion) has its own arrangement in PREPARE below.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any, Callable
from urllib.parse import quote

import requests

from devstack.stack.accounts import VERIFICATION_SUBJECT, mailed_token
from devstack.stack.mailsink import newest_first
from wellness.auth.settings import AuthSettings
from wellness.community.model import COMMENTING, POSTING
from wellness.platform import contracts

from ..e2e.conftest import eventually
from ..security.contract import ContractOperation, example_body, resolve
from ..security.flows import TOKEN_IN_LINK
from ..security.raw_api import Api
from ..security.registry import REGISTRY, User

NO_BODY = object()  # the request sends no body

# What one user may do before it meets a limit (name, how many): see Context.contributor.
Budget = tuple[str, int]
POSTS: Budget = (POSTING.action, POSTING.max_events)
COMMENTS: Budget = (COMMENTING.action, COMMENTING.max_events)
RESETS: Budget = ("password resets", AuthSettings.password_reset_max_per_address)  # mailed per address
ENROLMENTS: Budget = ("enrolments", 1_000_000)  # not limited: each arrangement leaves its user not enrolled


@dataclasses.dataclass(frozen=True)
class Actor(User):
    password: str = "correct horse battery"


@dataclasses.dataclass
class Context:
    """What the arrangements share: the client, the stack (for its mail) and long-lived users."""

    api: Api
    stack: Any
    me: Actor  # has a profile; enrolled in mindful-7
    poster: Actor  # owns `post`, a visible post anyone may comment on or react to
    post: str
    used_reset_tokens: set[str] = dataclasses.field(default_factory=set)
    learner: tuple[Actor, str] | None = None  # see _complete_task: an enrolled user in UTC, its enrollment's first day
    # The user each budget's arrangements act as, and how much of its budget it has used (see contributor).
    contributors: dict[str, tuple[Actor, int]] = dataclasses.field(default_factory=dict)
    own_callers: bool = False  # inside callers_of_their_own(): every contributor is a new user

    def new_user(self, label: str = "robust") -> Actor:
        name = f"{label}-{uuid.uuid4().hex[:6]}"
        session = self.api.sign_up(displayName=name)
        user = session["user"]
        return Actor(user["id"], user["email"], session["accessToken"], name, session["password"])

    def contributor(self, budget: Budget, label: str) -> Actor:
        """A verified user who may do one more of `budget` (a post, a comment, a reset): its arrangement does it once.

        A sign-up (argon2, then the mailed link confirmed) is most of what such a case costs,
        and a case arranges dozens of posts, comments or resets. One user does as many as its
        limit allows, counted, before the next is made: it never meets the limit, whatever the time.
        """
        name, most = budget
        if self.own_callers:
            return self.new_user(label)
        actor, used = self.contributors.get(name, (None, most))
        if actor is None or used >= most:
            actor, used = self.new_user(label), 0
        self.contributors[name] = (actor, used + 1)
        return actor

    @contextlib.contextmanager
    def callers_of_their_own(self) -> Iterator[None]:
        """Requests arranged here are sent more than once (every hostile variant): their callers share no limit."""
        self.own_callers = True
        try:
            yield
        finally:
            self.own_callers = False

    def login(self, actor: Actor) -> dict[str, Any]:
        response = self.api.call("POST", "/v1/auth/login", json={"email": actor.email, "password": actor.password})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def new_post(self, author: Actor) -> str:
        response = self.api.call("POST", "/v1/community/posts", author.token, json={"text": "robustness"})
        assert response.status_code == 201, response.text
        return str(response.json()["id"])


@dataclasses.dataclass
class Request:
    """One request of `op`, its inputs apart, so a variant can replace one of them."""

    op: ContractOperation
    token: str | None
    params: dict[str, str]  # path parameters, raw (a variant may bring percent-encoded ones)
    query: dict[str, str] = dataclasses.field(default_factory=dict)
    body: Any = NO_BODY

    def send(
        self,
        api: Api,
        *,
        params: dict[str, str] | None = None,
        raw_params: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        raw_query: dict[str, str] | None = None,
        body: Any = None,
        raw_body: bytes | None = None,
    ) -> requests.Response:
        """Send it, with some inputs replaced; raw_* values go on the wire as given (already encoded)."""
        path = {name: quote(value, safe="") for name, value in {**self.params, **(params or {})}.items()}
        path.update(raw_params or {})
        pairs = {name: quote(value, safe="") for name, value in {**self.query, **(query or {})}.items()}
        pairs.update(raw_query or {})
        url = self.op.url(path) + ("?" + "&".join(f"{k}={v}" for k, v in pairs.items()) if pairs else "")
        kwargs: dict[str, Any] = {}
        if raw_body is not None:
            kwargs = {"data": raw_body, "headers": {"Content-Type": "application/json"}}
        elif body is not None:
            kwargs = {"json": body}
        elif self.body is not NO_BODY:
            kwargs = {"json": self.body}
        return api.call(self.op.method, url, self.token, **kwargs)


def parameters(op: ContractOperation, where: str) -> list[dict[str, Any]]:
    """The operation's parameters `in` where (query or path), its path item's shared ones included."""
    item = contracts.openapi()["paths"][op.path]
    found = [resolve(p) for p in [*item.get("parameters", []), *op.spec.get("parameters", [])]]
    return [p for p in found if p.get("in") == where]


def _query(op: ContractOperation) -> dict[str, str]:
    """The required query parameters, with a value each (dates: the last week)."""
    values: dict[str, str] = {}
    for param in parameters(op, "query"):
        if param.get("required"):
            if param.get("format") == "date":
                days = {"from": 7, "to": 0}.get(param["name"], 0)
                values[param["name"]] = (dt.date.today() - dt.timedelta(days=days)).isoformat()
            else:
                values[param["name"]] = str(param.get("example", param.get("default", "x")))
    return values


def derived(ctx: Context, op: ContractOperation, actor: Actor | None = None) -> Request:
    """The request the contract and the security registry describe, as `actor` (default: ctx.me)."""
    actor = actor or ctx.me
    params: dict[str, str] = {}
    if op.path_params:
        entry = REGISTRY.get(op.operation_id)
        assert entry is not None, f"{op}: no way to make its path ids; add it to tests/security/registry.py"
        params = entry.arrange(ctx.api, actor)
    body = example_body(op) if op.body_schema is not None else NO_BODY
    return Request(op, actor.token if op.secured else None, params, _query(op), body)


def _reset_token(ctx: Context, actor: Actor) -> str:
    """A fresh reset token for actor from the stack's mail sink (not one used before; not its verification link)."""
    assert ctx.api.call("POST", "/v1/auth/password-reset", json={"email": actor.email}).status_code == 202

    looked_at: set[str] = set()  # each poll reads only the mail that arrived since the last

    def fresh() -> str | None:
        reset_mail = lambda m: m["To"] == actor.email and "reset" in str(m["Subject"]).lower()  # noqa: E731
        for message in newest_first(ctx.stack.mail_dir, reset_mail, looked_at):
            found = TOKEN_IN_LINK.search(message.get_content())
            if found and found.group(2) not in ctx.used_reset_tokens:
                return found.group(2)
        return None

    token: str = eventually(fresh, timeout=30)  # the reset is looked up by a subscriber, then mailed
    ctx.used_reset_tokens.add(token)
    return token


def _unverified(ctx: Context) -> dict[str, Any]:
    """A new account whose address is not verified yet: its verification link is in the mail."""
    return ctx.api.sign_up(verified=False, displayName=f"unverified-{uuid.uuid4().hex[:6]}")


def _verify_email(ctx: Context, op: ContractOperation) -> Request:
    session = _unverified(ctx)
    token = mailed_token(ctx.stack.mail_dir, session["user"]["email"], VERIFICATION_SUBJECT)
    return Request(op, None, {}, body={"token": token})


def _resend_verification(ctx: Context, op: ContractOperation) -> Request:
    return Request(op, _unverified(ctx)["accessToken"], {})


def _password_reset_confirm(ctx: Context, op: ContractOperation) -> Request:
    actor = ctx.contributor(RESETS, "reset")
    return Request(op, None, {}, body={"token": _reset_token(ctx, actor), "newPassword": "a brand new password"})


def _fresh_author_posts(ctx: Context, op: ContractOperation) -> Request:
    return derived(ctx, op, ctx.contributor(POSTS, "poster"))  # posting is limited to five a minute per user


def _delete_own_post(ctx: Context, op: ContractOperation) -> Request:
    author = ctx.contributor(POSTS, "poster")
    return Request(op, author.token, {"postId": ctx.new_post(author)})


def _comment(ctx: Context, op: ContractOperation) -> Request:
    return Request(op, ctx.contributor(COMMENTS, "commenter").token, {"postId": ctx.post}, body=example_body(op))


def _delete_own_comment(ctx: Context, op: ContractOperation) -> Request:
    commenter = ctx.contributor(COMMENTS, "commenter")
    url = f"/v1/community/posts/{ctx.post}/comments"
    response = ctx.api.call("POST", url, commenter.token, json={"text": "to delete"})
    assert response.status_code == 201, response.text
    return Request(op, commenter.token, {"postId": ctx.post, "commentId": response.json()["id"]})


def _comments(ctx: Context, op: ContractOperation) -> Request:
    return Request(op, ctx.me.token, {"postId": ctx.post})  # the registry's arrangement comments (20 a minute)


def _report(ctx: Context, op: ContractOperation) -> Request:
    """A post of its own to report: reports hide a post past a threshold, which would hide the shared one."""
    post = ctx.new_post(ctx.contributor(POSTS, "reported"))
    return Request(op, ctx.me.token, {"postId": post}, body=example_body(op))


def _enroll(ctx: Context, op: ContractOperation) -> Request:
    """A user not enrolled in mindful-7 (one enrolls once): the shared one is unenrolled first, if it was."""
    user = ctx.contributor(ENROLMENTS, "enrollee")
    response = ctx.api.call("DELETE", "/v1/programs/mindful-7/enrollments/me", user.token)
    assert response.status_code in (204, 404), response.text
    return Request(op, user.token, {"programId": "mindful-7"})


def _unenroll(ctx: Context, op: ContractOperation) -> Request:
    user = ctx.contributor(ENROLMENTS, "enrollee")  # unenrolled by the request it was last arranged for
    response = ctx.api.call("POST", "/v1/programs/mindful-7/enrollments", user.token)
    assert response.status_code == 201, response.text
    return Request(op, user.token, {"programId": "mindful-7"})


def _complete_task(ctx: Context, op: ContractOperation) -> Request:
    """Day 1 of a user's own enrollment, for the day it started on: due whatever the time of day.

    Not ctx.me with "today": the profile control moves ctx.me to Europe/Paris, where late in
    the UTC evening it is already tomorrow and day 2 is due (seen in CI at 23:00 UTC). This
    user lives in UTC, so its program zone is the same before and after its sign-up event
    arrives, and its enrollment's first day is never after its "today".
    """
    if ctx.learner is None:
        session = ctx.api.sign_up(displayName=f"learner-{uuid.uuid4().hex[:6]}", timezone="UTC")
        user = session["user"]
        learner = Actor(user["id"], user["email"], session["accessToken"], user["displayName"], session["password"])
        response = ctx.api.call("POST", "/v1/programs/mindful-7/enrollments", learner.token)
        assert response.status_code == 201, response.text
        ctx.learner = (learner, response.json()["startedOn"])
    learner, started_on = ctx.learner
    return Request(op, learner.token, {"taskId": "mindful-7-d1"}, body={"date": started_on})  # again: 200


PREPARE: dict[str, Callable[[Context, ContractOperation], Request]] = {
    "authSignup": lambda ctx, op: Request(
        op,
        None,
        {},
        body={
            "email": f"robust-{uuid.uuid4().hex[:10]}@example.com",
            "password": "correct horse battery",
            "displayName": "Robust",
            "timezone": "Europe/Lisbon",
        },
    ),
    "authLogin": lambda ctx, op: Request(op, None, {}, body={"email": ctx.me.email, "password": ctx.me.password}),
    "authRefresh": lambda ctx, op: Request(op, None, {}, body={"refreshToken": ctx.login(ctx.me)["refreshToken"]}),
    "authLogout": lambda ctx, op: Request(op, ctx.login(ctx.me)["accessToken"], {}),
    "authPasswordReset": lambda ctx, op: Request(op, None, {}, body={"email": ctx.me.email}),
    "authPasswordResetConfirm": _password_reset_confirm,
    "authVerifyEmail": _verify_email,
    "authResendVerification": _resend_verification,
    "authDeleteMe": lambda ctx, op: Request(op, ctx.new_user("leaver").token, {}),
    "programEnroll": _enroll,
    "programUnenroll": _unenroll,
    "programCompleteTask": _complete_task,
    "communityCreatePost": _fresh_author_posts,
    "communityDeletePost": _delete_own_post,
    "communityListComments": _comments,
    "communityAddComment": _comment,
    "communityDeleteComment": _delete_own_comment,
    "communityReportPost": _report,
}


def prepare(ctx: Context, op: ContractOperation) -> Request:
    """A request of op that answers 2xx when sent as is."""
    arrange = PREPARE.get(op.operation_id)
    return arrange(ctx, op) if arrange else derived(ctx, op)
