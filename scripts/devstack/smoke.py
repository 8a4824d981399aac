"""The user-journey smoke test, against any gateway: the local stack or a deployed one.

    scripts/smoke --base-url http://127.0.0.1:8080 --smoke-key-file .local/dev/smoke-key
    scripts/smoke --base-url https://wellness-qa-candidate-xxxx.ew.gateway.dev --event-timeout 30 \
        --smoke-key-file <(printf %s "$KEY")      # deploy.yml: the secret smoke-key, read by the deployer

The app's day, every domain, with a fresh account: sign up; the verification mail recorded (the
candidate notifications subscriber's sent-mail log, read back through `GET /v1/me/export`: in
the cloud as `not-sent:.invalid`, since no mail goes to the reserved domain); the account's
verification link confirmed with the smoke key (below); log in and refresh; the profile that
`user.created` makes, patched and read back; a program enrolled, today's task completed and
counted in the summary (`task.completed` → reporting); a reflection logged, listed and counted
(`reflection.logged` → reporting); a post, a comment and a reaction (verified accounts only);
then the account deleted: its password no longer logs in and `user.deleted` erases what the
other domains kept (read back with the last token: reads of an ended session still answer,
and must answer empty). A deploy's smoke run leaves no account behind, in qa or in prod: when
a step fails after sign-up, the account is still deleted before the failure is reported.

The account's address is in the reserved smoke domain (`wellness.platform.smoke`), so its
events carry the smoke attribute: in a release they go to the candidate subscribers only, and
the live ones never see them. Every effect of an event that the journey waits for (the
profile, the counted completion and reflection, the verification mail, the erasures) is then
the candidate subscribers' work: a subscriber broken in the candidate fails the smoke, and
the release stops before promotion.

Verification, the same everywhere: the smoke reads its link's id from its own export and
confirms `smoke.<id>.<HMAC-SHA256(smoke-key, ...)>` (wellness.auth.reset_tokens), a token that
auth-verify-email takes for an address in the smoke domain only. The key is the secret
`smoke-key`, which only the deployer and that function can read (locally: the stack's
`smoke-key` file). Why that is safe: README, "Deploying". The mailed link itself is what every
local suite's sign-up confirms (devstack.stack.accounts), so the smoke needs no mailbox.
Without `--smoke-key-file` the account stays unverified and the community steps are reported as
not tried. Prints one line per step; exit
0 when every step tried passed, 1 at the first that did not (the deploy then never promotes).
It calls the API through the client generated from the contract (`wellness_api_client`), so an
answer that breaks the contract fails its step too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast
from uuid import UUID

import httpx

from wellness.auth.reset_tokens import smoke_verification_token
from wellness.platform.smoke import SMOKE_EMAIL_DOMAIN
from wellness_api_client import AuthenticatedClient, Client
from wellness_api_client.api.auth import (
    auth_delete_me,
    auth_export_me,
    auth_login,
    auth_refresh,
    auth_signup,
    auth_verify_email,
)
from wellness_api_client.api.community import (
    community_add_comment,
    community_create_post,
    community_delete_post,
    community_get_post,
    community_put_reaction,
)
from wellness_api_client.api.profile import profile_get_mine, profile_get_public, profile_update_mine
from wellness_api_client.api.program import (
    program_complete_task,
    program_enroll,
    program_list,
    program_list_my_enrollments,
    program_tasks_mine,
)
from wellness_api_client.api.reflection import reflection_create, reflection_list
from wellness_api_client.api.reporting import reporting_summary
from wellness_api_client.models import (
    AccountExport,
    CompletionRequest,
    EmailVerificationConfirm,
    LoginRequest,
    NewComment,
    NewPost,
    NewReflection,
    ProfilePatch,
    RefreshRequest,
    Session,
    SignupRequest,
)
from wellness_api_client.types import Response

COMMUNITY = ("post created", "comment added", "reaction counted", "post deleted")
VERIFICATION_MAIL = "email_verification"  # the sent-mail log's kind (wellness.notifications.model)
T = TypeVar("T")


class SmokeFailure(AssertionError):
    pass


def check(condition: bool, step: str, response: Response[Any] | None = None) -> None:
    if not condition:
        detail = f" ({int(response.status_code)}: {response.content[:300]!r})" if response is not None else ""
        raise SmokeFailure(f"{step} failed{detail}")


def answer(response: Response[Any], status: int, kind: type[T], step: str) -> T:
    """The parsed body of a `status` answer of the contract's shape `kind`, else the step fails."""
    parsed = response.parsed
    check(response.status_code == status and isinstance(parsed, kind), step, response)
    return cast(T, parsed)


@dataclass
class Journey:
    """One smoke account's way through the API; `done` names the steps that passed, in order."""

    base: str
    event_timeout: float
    smoke_key: bytes | None  # the secret smoke-key; None: the account stays unverified
    transport: httpx.BaseTransport | None = None  # tests give a fake one
    done: list[str] = field(default_factory=list)
    not_tried: list[str] = field(default_factory=list)
    token: str = ""

    def _args(self) -> dict[str, Any]:
        return {"transport": self.transport} if self.transport else {}

    @property
    def anonymous(self) -> Client:
        return Client(base_url=self.base, timeout=httpx.Timeout(20), httpx_args=self._args())

    @property
    def me(self) -> AuthenticatedClient:
        return AuthenticatedClient(
            base_url=self.base, token=self.token, timeout=httpx.Timeout(20), httpx_args=self._args()
        )

    def until(self, step: str, read: Callable[[], Response[Any]], ok: Callable[[Response[Any]], bool]) -> None:
        """Read until `ok` (an event's effect arrives a moment after the write), else fail the step."""
        deadline = time.monotonic() + self.event_timeout
        while not ok(response := read()) and time.monotonic() < deadline:
            time.sleep(0.25)
        check(ok(response), step, response)
        self.done.append(step)


def journey(
    base_url: str,
    event_timeout: float = 10.0,
    smoke_key: bytes | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Journey:
    """Run the journey; returns it (its steps passed), raises SmokeFailure at the first step that did not."""
    run = Journey(base_url.rstrip("/"), event_timeout, smoke_key, transport)
    account = SignupRequest(
        email=f"smoke-{uuid.uuid4().hex[:12]}@{SMOKE_EMAIL_DOMAIN}",
        password="correct horse battery staple",  # noqa: S106 (a throwaway account's)
        display_name="Smoke Test",
        timezone="Europe/London",
    )
    signup = auth_signup.sync_detailed(client=run.anonymous, body=account)
    session = answer(signup, 201, Session, "sign up")
    check("X-Request-Id" in signup.headers, "sign up (no X-Request-Id)", signup)
    run.token = session.access_token
    run.done.append("sign up")
    try:
        _signed_up(run, account, session.user.id)
    except BaseException:
        _delete_account(run, account, quiet=True)
        raise
    return run


def _signed_up(run: Journey, account: SignupRequest, user_id: UUID) -> None:
    verified = _verify(run)
    login = answer(
        auth_login.sync_detailed(client=run.anonymous, body=LoginRequest(account.email, account.password)),
        200,
        Session,
        "log in",
    )
    check(login.user.id == user_id, "log in (another user)")
    refreshed = answer(
        auth_refresh.sync_detailed(client=run.anonymous, body=RefreshRequest(login.refresh_token)),
        200,
        Session,
        "log in and refresh",
    )
    run.token = refreshed.access_token
    run.done.append("log in and refresh")

    run.until("profile appears", lambda: profile_get_mine.sync_detailed(client=run.me), lambda r: r.status_code == 200)
    patched = profile_update_mine.sync_detailed(client=run.me, body=ProfilePatch(bio="Smoke-tested"))
    again = profile_get_mine.sync_detailed(client=run.me)
    bio = getattr(again.parsed, "bio", None)
    check(patched.status_code == 200 and bio == "Smoke-tested", "patch and read back", again)
    run.done.append("patch and read back")

    _program_day(run)
    _reflection(run)
    if verified:
        _community(run)
    else:
        run.not_tried.extend(COMMUNITY)

    anonymous = profile_get_mine.sync_detailed(client=run.anonymous)
    check(anonymous.status_code == 401, "anonymous call refused", anonymous)
    run.done.append("anonymous call refused")
    _delete_account(run, account)
    _erased(run, user_id)


def _export(run: Journey) -> Response[Any]:
    return auth_export_me.sync_detailed(client=run.me)


def _verification_mails(response: Response[Any]) -> list[Any]:
    parsed = response.parsed
    if response.status_code != 200 or not isinstance(parsed, AccountExport):
        return []
    return [m for m in parsed.notifications.sent_mail if m.kind == VERIFICATION_MAIL]


def _verify(run: Journey) -> bool:
    """The verification mail is recorded, then the account's link is confirmed with the smoke key."""
    run.until("verification mail recorded", lambda: _export(run), lambda r: bool(_verification_mails(r)))
    if run.smoke_key is None:
        run.not_tried.append("e-mail verified")
        return False
    export = answer(_export(run), 200, AccountExport, "e-mail verified (the export)")
    links = [link.id for link in export.auth.email_verifications if not link.used_at]
    check(len(links) == 1, f"e-mail verified (the account has {len(links)} open links, expected 1)")
    token = smoke_verification_token(run.smoke_key, links[0])
    confirmed = auth_verify_email.sync_detailed(client=run.anonymous, body=EmailVerificationConfirm(token))
    check(confirmed.status_code == 204, "e-mail verified", confirmed)
    run.done.append("e-mail verified")
    return True


def _program_day(run: Journey) -> None:
    from wellness_api_client.models import DayTasks, Enrollment, ProgramPage

    programs = answer(program_list.sync_detailed(client=run.me), 200, ProgramPage, "programs listed")
    check(bool(programs.items), "programs listed (none)")
    program = programs.items[0].id
    run.done.append("programs listed")
    enrolled = answer(program_enroll.sync_detailed(program, client=run.me), 201, Enrollment, "enrolled")
    day: dt.date = enrolled.started_on  # its first day: due whatever the hour in the account's zone
    run.done.append("enrolled")
    tasks = answer(program_tasks_mine.sync_detailed(client=run.me, date=day), 200, DayTasks, "today's tasks")
    first = [t for t in tasks.items if t.program_id == program]
    check(len(first) == 1 and not first[0].completed, "today's tasks (the program's first task)")
    run.done.append("today's tasks")
    completed = program_complete_task.sync_detailed(first[0].task_id, client=run.me, body=CompletionRequest(date=day))
    check(completed.status_code == 201 and getattr(completed.parsed, "date", None) == day, "task completed", completed)
    run.done.append("task completed")
    run.until(
        "completion reported", lambda: reporting_summary.sync_detailed(client=run.me), _counted("tasks_completed")
    )


def _reflection(run: Journey) -> None:
    from wellness_api_client.models import Reflection, ReflectionPage

    note = NewReflection(mood=4, text="Smoke-tested, calmly.", tags=["smoke"])
    logged = answer(reflection_create.sync_detailed(client=run.me, body=note), 201, Reflection, "reflection logged")
    run.done.append("reflection logged")
    listed = answer(reflection_list.sync_detailed(client=run.me), 200, ReflectionPage, "reflection listed")
    check(logged.id in [r.id for r in listed.items], "reflection listed (missing)")
    run.done.append("reflection listed")
    run.until(
        "reflection reported", lambda: reporting_summary.sync_detailed(client=run.me), _counted("reflections_logged")
    )


def _counted(total: str) -> Callable[[Response[Any]], bool]:
    return lambda r: r.status_code == 200 and getattr(r.parsed, total, 0) >= 1


def _community(run: Journey) -> None:
    from wellness_api_client.models import Comment, Post, ReactionState

    text = NewPost(text="Smoke test: day one done.")
    post = answer(community_create_post.sync_detailed(client=run.me, body=text), 201, Post, "post created")
    run.done.append("post created")
    reply = NewComment(text="Well done, smoke.")
    comment = answer(
        community_add_comment.sync_detailed(post.id, client=run.me, body=reply), 201, Comment, "comment added"
    )
    check(comment.post_id == post.id, "comment added (to another post)")
    run.done.append("comment added")
    reacted = answer(
        community_put_reaction.sync_detailed(post.id, client=run.me), 200, ReactionState, "reaction counted"
    )
    read = answer(community_get_post.sync_detailed(post.id, client=run.me), 200, Post, "reaction counted")
    check(reacted.reacted and read.reaction_count == 1 and read.comment_count == 1, "reaction counted")
    run.done.append("reaction counted")
    deleted = community_delete_post.sync_detailed(post.id, client=run.me)
    gone = community_get_post.sync_detailed(post.id, client=run.me)
    check(deleted.status_code == 204 and gone.status_code == 404, "post deleted", gone)
    run.done.append("post deleted")


def _delete_account(run: Journey, account: SignupRequest, quiet: bool = False) -> None:
    """DELETE /v1/me, then the password must no longer log in. `quiet`: best effort, while failing anyway."""
    try:
        deleted = auth_delete_me.sync_detailed(client=run.me)
        check(deleted.status_code == 204, "account deleted", deleted)
        login = auth_login.sync_detailed(client=run.anonymous, body=LoginRequest(account.email, account.password))
        check(login.status_code == 401, "account deleted (its password still logs in)", login)
    except (SmokeFailure, httpx.HTTPError) as exc:
        if not quiet:
            raise
        print(f"smoke: could not delete the smoke account {account.email}: {exc}", file=sys.stderr)
        return
    run.done.append("account deleted")


def _erased(run: Journey, user_id: UUID) -> None:
    """`user.deleted` reaches every domain: the ended session's reads find nothing of the account."""
    empty: dict[str, tuple[Callable[[], Response[Any]], Callable[[Response[Any]], bool]]] = {
        "profile erased": (lambda: profile_get_mine.sync_detailed(client=run.me), _status(404)),
        "public profile erased": (lambda: profile_get_public.sync_detailed(str(user_id), client=run.me), _status(404)),
        "enrollments erased": (lambda: program_list_my_enrollments.sync_detailed(client=run.me), _no_items),
        "reflections erased": (lambda: reflection_list.sync_detailed(client=run.me), _no_items),
        "reports erased": (
            lambda: reporting_summary.sync_detailed(client=run.me),
            lambda r: r.status_code == 200 and _totals(r.parsed) == (0, 0),
        ),
    }
    for step, (read, ok) in empty.items():
        run.until(step, read, ok)


def _totals(summary: Any) -> tuple[int, int]:
    return (summary.tasks_completed, summary.reflections_logged) if summary is not None else (-1, -1)


def _status(status: int) -> Callable[[Response[Any]], bool]:
    return lambda r: r.status_code == status


def _no_items(response: Response[Any]) -> bool:
    return response.status_code == 200 and getattr(response.parsed, "items", None) == []


def read_key(path: Path | None) -> bytes | None:
    """The smoke key a file (or a pipe) holds; given but empty is an error, never a silent skip."""
    if path is None:
        return None
    key = path.read_text().strip()
    if not key:
        raise ValueError(f"the smoke key file {path} is empty (could the deployer read the secret smoke-key?)")
    return key.encode()


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
    parser.add_argument(
        "--smoke-key-file",
        type=Path,
        help="the secret smoke-key (deploy.yml: a pipe from Secret Manager; locally: the stack's smoke-key file)",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        run = journey(args.base_url, args.event_timeout, read_key(args.smoke_key_file))
    except (SmokeFailure, httpx.HTTPError, KeyError, ValueError, TypeError, TimeoutError, OSError) as exc:
        print(f"smoke: FAILED: {exc}", file=sys.stderr)
        return 1
    for step in run.done:
        print(f"smoke: ok  {step}")
    for step in run.not_tried:
        print(f"smoke: not tried  {step} (no --smoke-key-file: the account is not verified)")
    print(f"smoke: {len(run.done)} passed, 0 failed in {time.monotonic() - started:.1f}s against {args.base_url}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
