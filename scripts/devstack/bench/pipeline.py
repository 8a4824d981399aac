"""The event pipeline's numbers: completion → report, outbox relay throughput, subscriber throughput.

Against the local stack of this checkout (`scripts/dev up --port N`), or one it starts
and stops itself (`--start`). Everything goes to 127.0.0.1, bounded in count and time.

    scripts/bench-pipeline [--users 100] [--events 1000] [--start]

1. Completion commit → report updated: USERS new users each enroll in three programs and
   complete the day's task of each, through the gateway; the lag of each completion is
   reporting_completions.recorded_at (the subscriber's insert) minus
   program_completions.completed_at (stamped in the completing transaction, just before
   its commit), so it covers the prompt publish, Pub/Sub push and the subscriber. p50/p95/max.
2. Outbox relay: EVENTS profile.updated rows written to the outbox at once, then relayed
   to the emulator by this process (the stack's scheduled relay may take some batches: the
   rate is all relays together, rows published per second of wall time).
3. Subscriber: those events as reporting-on-profile-updated applied them (processed_events),
   events per second from the first to the last.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from devstack.stack import accounts
from devstack.stack.layout import DEFAULT_STATE_DIR
from devstack.stack.services import free_port
from devstack.stack.stack import Stack

PROGRAMS = ("mindful-7", "move-14", "sleep-10")
CONSUMER = "reporting-on-profile-updated"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _user(gateway: str) -> tuple[str, str]:
    account = accounts.sign_up(gateway, email=f"bench-{uuid.uuid4().hex[:12]}@example.com", timezone="UTC")
    return account.user_id, account.session.access_token


def _complete_all(gateway: str, token: str) -> list[float]:
    headers = {"Authorization": f"Bearer {token}"}
    seconds = []
    for program in PROGRAMS:
        requests.post(f"{gateway}/v1/programs/{program}/enrollments", headers=headers, timeout=30)
        started = time.perf_counter()
        response = requests.post(f"{gateway}/v1/me/tasks/{program}-d1/completions", headers=headers, timeout=30)
        if response.status_code != 201:
            raise RuntimeError(f"completion failed: {response.status_code} {response.text}")
        seconds.append(time.perf_counter() - started)
    return seconds


def _wait(engine: Any, sql: str, params: dict[str, Any], want: int, timeout: float) -> int:
    from sqlalchemy import text

    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as conn:
            have = int(conn.execute(text(sql), params).scalar_one())
        if have >= want or time.monotonic() > deadline:
            return have
        time.sleep(0.2)


def completion_to_report(stack: Stack, engine: Any, users: int, workers: int, timeout: float) -> dict[str, Any]:
    from sqlalchemy import text

    gateway = stack.gateway_url
    assert gateway
    with ThreadPoolExecutor(workers) as pool:
        accounts = list(pool.map(lambda _: _user(gateway), range(users)))
        started = time.perf_counter()
        api_seconds = [s for batch in pool.map(lambda a: _complete_all(gateway, a[1]), accounts) for s in batch]
        elapsed = time.perf_counter() - started
    ids = [uuid.UUID(user_id) for user_id, _ in accounts]
    want = len(ids) * len(PROGRAMS)
    count_sql = "SELECT count(*) FROM reporting_completions WHERE user_id = ANY(:ids)"
    seen = _wait(engine, count_sql, {"ids": ids}, want, timeout)
    with engine.connect() as conn:
        lags = [
            float(v) * 1000
            for v in conn.execute(
                text(
                    "SELECT extract(epoch FROM r.recorded_at - p.completed_at) FROM reporting_completions r "
                    "JOIN program_completions p USING (user_id, task_id, date) WHERE r.user_id = ANY(:ids)"
                ),
                {"ids": ids},
            ).scalars()
        ]
    return {
        "completions": want,
        "reported": seen,
        "completionsPerSecond": round(want / elapsed, 1),
        "apiMs": {
            "p50": round(_percentile(api_seconds, 0.5) * 1000, 1),
            "p95": round(_percentile(api_seconds, 0.95) * 1000, 1),
        },
        "commitToReportMs": {
            "p50": round(_percentile(lags, 0.5), 1),
            "p95": round(_percentile(lags, 0.95), 1),
            "max": round(max(lags), 1),
        },
    }


def relay_and_subscriber(stack: Stack, engine: Any, events: int, timeout: float) -> dict[str, Any]:
    from sqlalchemy import insert, text

    from wellness.platform.events import Event
    from wellness.platform.postgres.outbox import relay_all
    from wellness.platform.postgres.tables import outbox
    from wellness.platform.pubsub import PubSubPublisher

    made = []
    for _ in range(events):
        user = str(uuid.uuid4())
        made.append(
            Event.new(
                "profile.updated", user_id=user, data={"userId": user, "displayName": "B", "timezone": "Europe/Berlin"}
            )
        )
    ids = [uuid.UUID(e.id) for e in made]
    with engine.begin() as conn:
        conn.execute(insert(outbox), [{"id": uuid.UUID(e.id), "topic": e.topic, "payload": e.to_dict()} for e in made])
    os.environ["PUBSUB_EMULATOR_HOST"] = stack.env["PUBSUB_EMULATOR_HOST"]  # this process publishes to the emulator
    publisher = PubSubPublisher(stack.env["GOOGLE_CLOUD_PROJECT"])
    started = time.perf_counter()
    ours = relay_all(engine, publisher, timeout=10, batch=100, budget_seconds=timeout)
    pending_sql = "SELECT count(*) FROM outbox WHERE id = ANY(:ids) AND published_at IS NOT NULL"
    published = _wait(engine, pending_sql, {"ids": ids}, events, timeout)
    relay_seconds = time.perf_counter() - started
    done_sql = "SELECT count(*) FROM processed_events WHERE consumer = :c AND event_id = ANY(:ids)"
    applied = _wait(engine, done_sql, {"c": CONSUMER, "ids": ids}, events, timeout)
    with engine.connect() as conn:
        first, last = conn.execute(
            text(
                "SELECT min(processed_at), max(processed_at) FROM processed_events WHERE consumer = :c AND "
                "event_id = ANY(:ids)"
            ),
            {"c": CONSUMER, "ids": ids},
        ).one()
    span = max((last - first).total_seconds(), 1e-3) if first and last else float("nan")
    return {
        "events": events,
        "published": published,
        "publishedByThisProcess": ours.published,
        "relayEventsPerSecond": round(published / relay_seconds, 1),
        "subscriber": CONSUMER,
        "applied": applied,
        "subscriberEventsPerSecond": round(applied / span, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100, help="users; each makes three completions (max 300)")
    parser.add_argument("--events", type=int, default=1000, help="outbox events to relay (max 5000)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for each phase")
    parser.add_argument("--start", action="store_true", help="start a stack of its own on a free port, then stop it")
    args = parser.parse_args()
    users, events = max(1, min(args.users, 300)), max(1, min(args.events, 5000))
    own = None
    stack = None if args.start else Stack.load(DEFAULT_STATE_DIR)
    if stack is None:
        if not args.start:
            parser.error("start the local stack first (scripts/dev up --port N), or pass --start")
        own = Stack(tempfile.mkdtemp(prefix="bench-pipeline-"), gateway_port=free_port(), progress=print)
        stack = own.up()
    from sqlalchemy import create_engine

    assert stack.database_url
    engine = create_engine(stack.database_url)
    try:
        print(f"{dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%M:%SZ} gateway {stack.gateway_url}")
        print("completion → report:", completion_to_report(stack, engine, users, args.workers, args.timeout))
        print("relay and subscriber:", relay_and_subscriber(stack, engine, events, args.timeout))
    finally:
        engine.dispose()
        if own is not None:
            own.down()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
