"""Outages and hot documents, measured: what users see while a store is down, frozen or contended.

Against a stack that owns its services (`scripts/dev up` without DATABASE_URL, or one
it starts and stops itself with `--start`): PostgreSQL is stopped and started again, an
emulator is frozen with SIGSTOP (it keeps its connections and answers nothing, like a
hung server), all under steady writes through the gateway, on 127.0.0.1, bounded in
count and time.

    scripts/bench-faults [--start] [--scenario postgres|pubsub|firestore|contention|reactions]...

Each scenario prints one line of numbers: the answers by status, latency p50/p95/max (ms)
before, during and after the fault, and whether every acknowledged (2xx) write has its
downstream effect once the fault is over (a signup's profile, made from `user.created`;
a post readable by its id). `tests/robustness/faults/` drives the same traffic and
asserts on it.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import requests

from devstack.stack.accounts import AccountError, authenticated
from devstack.stack.accounts import sign_up as new_account
from devstack.stack.layout import DEFAULT_STATE_DIR
from devstack.stack.services import free_port
from devstack.stack.stack import Stack
from wellness_api_client import AuthenticatedClient
from wellness_api_client.api.community import community_get_post
from wellness_api_client.api.profile import profile_get_mine
from wellness_api_client.models import Post, Profile

FAULT_DOMAINS = ("auth", "profile", "community", "notifications")  # notifications: the verification mail
PASSWORD = "correct horse battery"  # noqa: S105 - a throwaway account on a local stack
CLIENT_TIMEOUT = 30.0  # longer than the gateway's deadline: the client sees the gateway's 504, not its own


@dataclasses.dataclass(frozen=True)
class Answer:
    """One request as its caller saw it."""

    op: str
    started: float  # monotonic seconds
    seconds: float
    status: int  # 0: no answer at all (connection error, client timeout)
    body: Any
    headers: dict[str, str]
    key: str = ""  # what the downstream check needs (a token, a post id)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def call(session: requests.Session, op: str, method: str, url: str, token: str | None = None, **kwargs: Any) -> Answer:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    started = time.monotonic()
    try:
        response = session.request(method, url, headers=headers, timeout=CLIENT_TIMEOUT, **kwargs)
    except requests.RequestException:
        return Answer(op, started, time.monotonic() - started, 0, None, {})
    try:
        body = response.json() if response.content else None
    except ValueError:
        body = response.text
    return Answer(op, started, time.monotonic() - started, response.status_code, body, dict(response.headers))


def sign_up(session: requests.Session, gateway: str, name: str = "Fault") -> Answer:
    """One sign-up as a measured write of the workload (its status and time under the fault), raw: an
    answer the generated client cannot parse (a gateway's 502, a dropped connection) is what is measured."""
    account = {
        "email": f"fault-{uuid.uuid4().hex[:12]}@example.com",
        "password": PASSWORD,
        "displayName": name,
        "timezone": "Europe/Lisbon",
    }
    answer = call(session, "signup", "POST", f"{gateway}/v1/auth/signup", json=account)
    token = answer.body.get("accessToken", "") if answer.ok and isinstance(answer.body, dict) else ""
    return dataclasses.replace(answer, key=token)


def accounts(gateway: str, mail_dir: Path, count: int, timeout: float = 60.0) -> list[str]:
    """Access tokens of `count` new, verified users (made before any fault), once each has a profile."""

    def member(_: int) -> Answer:
        started = time.monotonic()
        try:
            account = new_account(gateway, display_name="Member", mail_dir=mail_dir)
        except AccountError as refused:
            return Answer("signup", started, time.monotonic() - started, refused.status, str(refused), {})
        made = Answer("signup", started, time.monotonic() - started, 201, account.as_json(), {})
        return dataclasses.replace(made, key=account.session.access_token)

    with ThreadPoolExecutor(4) as pool:
        made = list(pool.map(member, range(count)))
    if not all(a.ok for a in made):
        raise RuntimeError(f"could not make the accounts: {[(a.status, a.body) for a in made if not a.ok][:3]}")
    missing = missing_effects(gateway, made, timeout)
    if missing:
        raise RuntimeError(f"profiles missing after {timeout:.0f} s: {missing}")
    return [a.key for a in made]


def post(session: requests.Session, gateway: str, token: str, text: str = "Day 3 done") -> Answer:
    answer = call(session, "post", "POST", f"{gateway}/v1/community/posts", token, json={"text": text})
    post_id = answer.body.get("id", "") if answer.ok and isinstance(answer.body, dict) else ""
    return dataclasses.replace(answer, key=f"{token} {post_id}")


def patch_bio(session: requests.Session, gateway: str, token: str) -> Answer:
    bio = f"bio {uuid.uuid4().hex[:8]}"
    answer = call(session, "profile", "PATCH", f"{gateway}/v1/me/profile", token, json={"bio": bio})
    return dataclasses.replace(answer, key=f"{token} {bio}")


class Traffic:
    """Steady writes from `workers` threads, each taking the next operation in turn, until stop()."""

    def __init__(self, operations: Sequence[Callable[[requests.Session], Answer]], workers: int = 2):
        self.answers: list[Answer] = []
        self._operations = operations
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._turn = 0
        self._threads = [threading.Thread(target=self._work, daemon=True) for _ in range(workers)]

    def _next(self) -> Callable[[requests.Session], Answer]:
        with self._lock:
            self._turn += 1
            return self._operations[self._turn % len(self._operations)]

    def _work(self) -> None:
        session = requests.Session()
        while not self._stop.is_set():
            answer = self._next()(session)
            with self._lock:
                self.answers.append(answer)
            time.sleep(0.2)

    def __enter__(self) -> Traffic:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(CLIENT_TIMEOUT + 5)


def steady_operations(gateway: str, tokens: Sequence[str]) -> list[Callable[[requests.Session], Answer]]:
    """A signup (Postgres, Pub/Sub, then Firestore downstream), a profile update and a post (Firestore).

    Posts rotate over `tokens` so no one reaches the posting limit (five a minute): give each
    scenario fresh users, a dozen or more.
    """
    turn = iter(range(10**9))

    def a_post(session: requests.Session) -> Answer:
        return post(session, gateway, tokens[next(turn) % len(tokens)])

    def a_patch(session: requests.Session) -> Answer:
        return patch_bio(session, gateway, tokens[next(turn) % len(tokens)])

    return [lambda s: sign_up(s, gateway), a_patch, a_post]


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def summary(answers: Iterable[Answer]) -> dict[str, Any]:
    answers = list(answers)
    ms = [a.seconds * 1000 for a in answers]
    if not ms:
        return {"n": 0}
    return {
        "n": len(answers),
        "status": dict(sorted(Counter(a.status for a in answers).items())),
        "p50": round(percentile(ms, 0.5)),
        "p95": round(percentile(ms, 0.95)),
        "max": round(max(ms)),
    }


def by_phase(answers: Sequence[Answer], start: float, end: float, op: str | None = None) -> dict[str, Any]:
    """Answers to requests sent before, during and after the fault [start, end)."""
    mine = [a for a in answers if op is None or a.op == op]
    return {
        "before": summary(a for a in mine if a.started < start),
        "during": summary(a for a in mine if start <= a.started < end),
        "after": summary(a for a in mine if a.started >= end),
    }


def missing_effects(gateway: str, answers: Sequence[Answer], timeout: float = 60.0) -> dict[str, int]:
    """How many acknowledged writes still lack their effect after `timeout` s (by operation).

    The checks read through the generated client (the workload above stays raw: it measures
    answers the client could not parse); a check that gets no answer counts as not done yet.
    """
    pending = [a for a in answers if a.ok and a.key]

    def as_user(token: str) -> AuthenticatedClient:
        return authenticated(gateway, token, CLIENT_TIMEOUT)

    def done(answer: Answer) -> bool:
        try:
            if answer.op == "signup":  # the profile comes from user.created, through the outbox and Pub/Sub
                return profile_get_mine.sync_detailed(client=as_user(answer.key)).status_code == 200
            if answer.op == "post":
                token, post_id = answer.key.split(" ", 1)
                return community_get_post.sync_detailed(post_id, client=as_user(token)).status_code == 200
            if answer.op == "profile":
                token, _ = answer.key.split(" ", 1)
                profile = profile_get_mine.sync_detailed(client=as_user(token)).parsed
                # a later update of the same profile may have replaced this one: any acknowledged bio is kept
                return isinstance(profile, Profile) and bool(profile.bio)
        except (httpx.HTTPError, ValueError):  # no answer, or one that is not the contract's (still recovering)
            return False
        return True

    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        pending = [a for a in pending if not done(a)]
        if pending:
            time.sleep(1.0)
    return dict(Counter(a.op for a in pending))


def run_fault(
    gateway: str,
    tokens: Sequence[str],
    fault: Callable[[], None],
    heal: Callable[[], None],
    *,
    warmup: float = 3.0,
    hold: float = 10.0,
    cooldown: float = 4.0,
    workers: int = 2,
) -> tuple[list[Answer], float, float]:
    """Steady traffic; after `warmup` s the fault for `hold` s, then `cooldown` s more. (answers, start, end)."""
    operations = steady_operations(gateway, tokens)
    for operation in operations:  # each function has served once: no cold start is counted as the fault's
        operation(requests.Session())
    with Traffic(operations, workers) as traffic:
        time.sleep(warmup)
        start = time.monotonic()
        fault()
        try:
            time.sleep(hold)
        finally:
            heal()
        end = time.monotonic()
        time.sleep(cooldown)
    return traffic.answers, start, end


def report(name: str, answers: list[Answer], start: float, end: float, gateway: str) -> dict[str, Any]:
    five_hundreds = [a for a in answers if a.status == 500 or a.status == 0]
    return {
        "scenario": name,
        "faultSeconds": round(end - start, 1),
        **{op: by_phase(answers, start, end, op) for op in ("signup", "profile", "post")},
        "500s": len(five_hundreds),
        "503WithoutRetryAfter": sum(1 for a in answers if a.status == 503 and "Retry-After" not in a.headers),
        "missingEffects": missing_effects(gateway, answers),
    }


def scenario_postgres(stack: Stack, tokens: Sequence[str], hold: float) -> dict[str, Any]:
    """PostgreSQL stopped (connections ended) for `hold` s, then started again, under steady writes."""
    assert stack.gateway_url
    answers, start, end = run_fault(stack.gateway_url, tokens, stack.stop_postgres, stack.start_postgres, hold=hold)
    return report("postgres stopped and restarted", answers, start, end, stack.gateway_url)


def scenario_freeze(stack: Stack, tokens: Sequence[str], name: str, hold: float) -> dict[str, Any]:
    assert stack.gateway_url
    answers, start, end = run_fault(
        stack.gateway_url, tokens, lambda: stack.freeze(name), lambda: stack.thaw(name), hold=hold
    )
    return report(f"{name} frozen", answers, start, end, stack.gateway_url)


def _burst(
    gateway: str, burst_tokens: Sequence[str], others: Sequence[str]
) -> tuple[list[Answer], list[Answer], float]:
    """Posts by `burst_tokens` all at once, then, 0.3 s in, one by each of `others`; (burst, others, seconds)."""
    with ThreadPoolExecutor(len(burst_tokens) + len(others)) as pool:
        started = time.monotonic()
        burst_futures = [pool.submit(post, requests.Session(), gateway, t, "burst") for t in burst_tokens]
        time.sleep(0.3)  # the burst holds the hot document when the others arrive
        other_futures = [pool.submit(post, requests.Session(), gateway, t, "meanwhile") for t in others]
        burst_answers = [f.result() for f in burst_futures]
        other_answers = [f.result() for f in other_futures]
    return burst_answers, other_answers, max(a.started + a.seconds for a in burst_answers) - started


def scenario_contention(stack: Stack, burst: int = 10, others: int = 5) -> dict[str, Any]:
    """One user sends `burst` posts at once (the limit is five a minute); `others` users post meanwhile.

    The control is the same load without a hot document: `burst` posts by `burst`
    different users. Other users' latency is compared with theirs under the control
    (one function process serves them all here, so any burst costs them some CPU).
    """
    gateway = stack.gateway_url
    assert gateway
    hot, *rest = accounts(gateway, stack.mail_dir, 1 + 2 * others + burst)
    meanwhile, control_others, control_burst = rest[:others], rest[others : 2 * others], rest[2 * others :]
    baseline = [post(requests.Session(), gateway, t, "before") for t in meanwhile]
    _, control_answers, _ = _burst(gateway, control_burst, control_others)
    time.sleep(1.0)
    burst_answers, other_answers, busy = _burst(gateway, [hot] * burst, meanwhile)
    created = _wait_settled(lambda: _count_posts(stack, _user_id(hot)))
    return {
        "scenario": f"{burst} posts at once by one user, {others} other users meanwhile",
        "burst": summary(burst_answers),
        "othersAlone": summary(baseline),
        "othersDuringControl": summary(control_answers),
        "othersDuringBurst": summary(other_answers),
        "burstAnsweredWithinSeconds": round(busy, 1),
        "postsAcknowledged": sum(1 for a in burst_answers if a.ok),
        "postsCreated": created,
    }


def scenario_reactions(stack: Stack, reactors: int = 12) -> dict[str, Any]:
    """`reactors` users react to one post at once (after its author): answers, and the count against the reactions."""
    gateway = stack.gateway_url
    assert gateway
    author, *others = accounts(gateway, stack.mail_dir, 1 + reactors)
    target = post(requests.Session(), gateway, author, "react to me")
    post_id = target.key.split(" ", 1)[1]
    url = f"{gateway}/v1/community/posts/{post_id}/reactions/me"
    call(requests.Session(), "warm", "PUT", url, author)  # the function has served once: no cold start counted
    with ThreadPoolExecutor(reactors) as pool:
        answers = list(pool.map(lambda t: call(requests.Session(), "react", "PUT", url, t), others))
    reactions = _wait_settled(lambda: _count(stack, f"posts/{post_id}/reactions"))
    final = community_get_post.sync_detailed(post_id, client=authenticated(gateway, author, CLIENT_TIMEOUT)).parsed
    return {
        "scenario": f"{reactors} users react to one post at once",
        "answers": summary(answers),
        "acknowledged": sum(1 for a in answers if a.ok) + 1,  # the author's own, first
        "reactionsStored": reactions,
        "reactionCount": final.reaction_count if isinstance(final, Post) else None,
    }


def _user_id(token: str) -> str:
    import base64

    payload = token.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"])


def _firestore(stack: Stack) -> Any:
    import os

    from google.cloud import firestore

    os.environ["FIRESTORE_EMULATOR_HOST"] = stack.env["FIRESTORE_EMULATOR_HOST"]  # this process reads the stack's
    return firestore.Client(project=stack.env["GOOGLE_CLOUD_PROJECT"])


def _count_posts(stack: Stack, user_id: str) -> int:
    from google.cloud.firestore_v1.base_query import FieldFilter

    query = _firestore(stack).collection("posts").where(filter=FieldFilter("authorId", "==", user_id))
    return len(list(query.stream()))


def _count(stack: Stack, collection: str) -> int:
    return len(list(_firestore(stack).collection(collection).stream()))


def _wait_settled(count: Callable[[], int], quiet: float = 20.0, limit: float = 120.0) -> int:
    """The count once it stopped changing for `quiet` s (work the callers gave up on may still land)."""
    deadline = time.monotonic() + limit
    last, since = count(), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < quiet:
        time.sleep(1.0)
        now = count()
        if now != last:
            last, since = now, time.monotonic()
    return last


SCENARIOS = ("postgres", "pubsub", "firestore", "contention", "reactions")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", action="append", choices=SCENARIOS, help="repeat to pick; default: all")
    parser.add_argument("--hold", type=float, default=0.0, help="seconds each fault lasts (default per scenario)")
    parser.add_argument("--start", action="store_true", help="start a stack of its own on a free port, then stop it")
    parser.add_argument("--state-dir", default=str(DEFAULT_STATE_DIR), help="the running stack's state (scripts/dev)")
    args = parser.parse_args()
    own = None
    stack = None if args.start else Stack.load(args.state_dir)
    if stack is None:
        if not args.start:
            parser.error("start the local stack first (scripts/dev up), or pass --start")
        own = Stack(
            tempfile.mkdtemp(prefix="bench-faults-"), gateway_port=free_port(), domains=FAULT_DOMAINS, progress=print
        )
        stack = own.up()
    try:
        assert stack.gateway_url
        print(f"{dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%M:%SZ} gateway {stack.gateway_url}")
        for name in args.scenario or SCENARIOS:
            if name == "postgres":
                result = scenario_postgres(stack, accounts(stack.gateway_url, stack.mail_dir, 16), args.hold or 5.0)
            elif name == "pubsub":
                result = scenario_freeze(
                    stack, accounts(stack.gateway_url, stack.mail_dir, 24), "pubsub-emulator", args.hold or 20.0
                )
            elif name == "firestore":
                tokens = accounts(stack.gateway_url, stack.mail_dir, 16)
                result = scenario_freeze(stack, tokens, "firestore-emulator", args.hold or 15.0)
            elif name == "contention":
                result = scenario_contention(stack)
            else:
                result = scenario_reactions(stack)
            print(json.dumps(result), flush=True)
    finally:
        if own is not None:
            own.down(clean=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
