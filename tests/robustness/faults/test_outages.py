"""Outages under steady writes, on a stack of its own: PostgreSQL stopped, Pub/Sub and Firestore frozen.

Two clients write steadily through the gateway (a signup: PostgreSQL, then Pub/Sub, then
the profile in Firestore; a profile update and a post: Firestore) while, one after the
other, PostgreSQL is stopped and started again, the Pub/Sub emulator is frozen and the
Firestore emulator is frozen (SIGSTOP on their process groups: they keep their
connections and answer nothing). Then:

- no answer is a 500 or a gateway timeout (504: the stores give up after
  STORE_DEADLINE_SECONDS, before the gateway's 15 s): a store that is away is a 503 with
  Retry-After and the JSON error body;
- a signup while Pub/Sub is frozen still succeeds (its event waits in the outbox);
- every acknowledged write has its effect once everything is back: each 2xx signup's
  `user.created` reaches the profile subscriber and makes the profile, each 2xx post is
  there, each acknowledged profile update is what the profile holds.

How long the answers take during each fault (p50/p95/max) is measured, not asserted:
`scripts/bench-faults` prints it. The bounds on each store call (the store deadline,
the prompt publish timeout and its breaker) are asserted by counting in
shared/tests/platform/integration/test_outages.py.
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from typing import Any

import pytest
import requests

from devstack.bench.faults import Answer, Traffic, accounts, call, missing_effects, steady_operations, summary

pytestmark = pytest.mark.e2e

STORE_DEADLINE = 5.0  # STORE_DEADLINE_SECONDS' default, what every function of the stack runs with


class Timeline:
    """When each fault began and ended (monotonic seconds)."""

    def __init__(self) -> None:
        self.phases: dict[str, tuple[float, float]] = {}

    def fault(self, name: str, hold: float, begin: Any, end: Any) -> None:
        started = time.monotonic()
        begin()
        try:
            time.sleep(hold)
        finally:
            end()
        self.phases[name] = (started, time.monotonic())

    def started_during(self, answers: list[Answer], name: str, op: str | None = None) -> list[Answer]:
        start, end = self.phases[name]
        return [a for a in answers if start <= a.started < end and (op is None or a.op == op)]


def test_outages_answer_503_and_lose_no_acknowledged_write(fault_stack: Any) -> None:
    gateway = fault_stack.gateway_url
    tokens = accounts(gateway, fault_stack.mail_dir, 16)
    operations = steady_operations(gateway, tokens)
    for operation in operations:
        assert operation(requests.Session()).ok  # every function has served once: no cold start in the faults
    timeline = Timeline()
    with Traffic(operations, workers=2) as traffic:
        time.sleep(2.0)
        timeline.fault("postgres", 4.0, fault_stack.stop_postgres, fault_stack.start_postgres)
        time.sleep(2.0)
        timeline.fault(
            "pubsub", 6.0, lambda: fault_stack.freeze("pubsub-emulator"), lambda: fault_stack.thaw("pubsub-emulator")
        )
        time.sleep(2.0)
        timeline.fault(
            "firestore",
            STORE_DEADLINE + 5.0,  # room for a Firestore write or two on a busy machine
            lambda: fault_stack.freeze("firestore-emulator"),
            lambda: fault_stack.thaw("firestore-emulator"),
        )
        time.sleep(3.0)
    answers = traffic.answers
    report = {name: summary(timeline.started_during(answers, name)) for name in timeline.phases}

    # 503 while a store is away; a post may also meet the posting limit (five a minute per user:
    # a fast machine sends more than its sixteen users may post), a designed answer, not a fault.
    unexpected = {a.status for a in answers if a.status not in (200, 201, 503) and (a.op, a.status) != ("post", 429)}
    assert not unexpected, f"unexpected answers {unexpected}: {report}"
    for answer in answers:
        if answer.status == 503:
            assert answer.headers.get("Retry-After", "").isdigit(), answer
            assert answer.body["error"]["code"] == "unavailable"

    # The faults were felt: a 503 is the answer while a store is away.
    assert any(a.status == 503 for a in timeline.started_during(answers, "postgres", "signup")), report
    # A write that reached the emulator just before SIGSTOP may still succeed; the freeze shows as 503s.
    firestore_writes = [a for a in timeline.started_during(answers, "firestore") if a.op in ("post", "profile")]
    assert any(a.status == 503 for a in firestore_writes), report
    during_pubsub = timeline.started_during(answers, "pubsub", "signup")
    assert during_pubsub and all(a.status == 201 for a in during_pubsub), report

    assert missing_effects(gateway, answers, timeout=90.0) == {}, report
    _assert_profiles_hold_the_last_acknowledged_update(gateway, answers)


def _assert_profiles_hold_the_last_acknowledged_update(gateway: str, answers: list[Answer]) -> None:
    """Each profile whose last update was acknowledged, and never overlapped another, holds that update's bio.

    A profile whose last update was answered 503 is left out: a commit whose answer was
    lost may have happened (the Idempotency-Key's case), so either bio is right.
    """
    updates: dict[str, list[Answer]] = defaultdict(list)
    for answer in answers:
        if answer.op == "profile":
            updates[answer.key.split(" ", 1)[0]].append(answer)
    checked = 0
    session = requests.Session()
    for token, made in updates.items():
        made.sort(key=lambda a: a.started)
        overlapped = any(b.started < a.started + a.seconds for a, b in itertools.pairwise(made))
        if overlapped or not made[-1].ok:
            continue
        profile = call(session, "check", "GET", f"{gateway}/v1/me/profile", token)
        assert profile.ok and profile.body["bio"] == made[-1].key.split(" ", 1)[1]
        checked += 1
    assert checked, "no profile update to check"
