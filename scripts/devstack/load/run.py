"""`scripts/load`: the app's day (model.py) as load on a gateway, headless, bounded, with a report.

    scripts/load                                        # the local stack (scripts/dev up), 20 users, 60 s
    scripts/load --users 100 --duration 120
    scripts/load --base-url https://qa-gateway.example --users 10 --duration 30

Locust runs the users (users.py) in a process of its own, against the gateway given and
nothing else, with at most --users users for at most --duration seconds (then a few
seconds for requests in flight). Against a local stack this process also samples every
process's CPU and memory and both outboxes' backlog while the load runs, then measures
the event lag (task completion committed → report updated) from the database.

The report goes to --out (default `.local/load/<time>/`): `report.json`, `report.md`
(printed too), and Locust's own CSV files and log. Load users sign up as
`load-<run>-<n>@example.com`; they stay in the database (a local stack is throwaway:
`scripts/dev down --clean`).
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path
from typing import Any

import psutil
import requests

from devstack.catalog import REPO_ROOT, load_catalog
from devstack.load import report as reporting
from devstack.load.monitor import LOAD_GENERATOR, Monitor
from devstack.stack.layout import DEFAULT_STATE_DIR, TOOL_PATH
from devstack.stack.state import StackState

LOCUSTFILE = Path(__file__).with_name("users.py")
MAX_USERS = 500
MAX_DURATION = 1800
STOP_TIMEOUT = 10  # seconds Locust gives the requests in flight when the time is up
DRAIN_SECONDS = 30  # how long after the run the events may take to be applied


def local_stack(base_url: str, state_dir: Path) -> StackState | None:
    """The local stack whose gateway is base_url, when its state is on this machine."""
    stack = StackState.load(state_dir)
    if stack is None or not stack.gateway_url or not stack.database_url:
        return None
    return stack if stack.gateway_url.rstrip("/") == base_url.rstrip("/") else None


def machine() -> str:
    memory = psutil.virtual_memory().total / 2**30
    return f"{os.cpu_count()} CPUs, {memory:.0f} GiB, {platform.processor() or platform.machine()}"


def run_locust(
    base_url: str,
    users: int,
    duration: int,
    spawn_rate: float,
    prefix: Path,
    run_id: str,
    monitor: Monitor | None,
    mail_dir: Path | None = None,
) -> int:
    command = [
        sys.executable, "-m", "locust",
        "-f", str(LOCUSTFILE),
        "--headless", "--only-summary",
        "--host", base_url,
        "--users", str(users),
        "--spawn-rate", str(spawn_rate),
        "--run-time", f"{duration}s",
        "--stop-timeout", str(STOP_TIMEOUT),
        "--csv", str(prefix), "--csv-full-history",
        "--exit-code-on-error", "0",  # failures are in the report; the exit code says whether it ran
        "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {
        **os.environ,
        "LOAD_RUN_ID": run_id,
        "PYTHONPATH": os.pathsep.join(map(str, TOOL_PATH)),  # the users import devstack.stack.accounts
        "LOAD_SAMPLES": str(prefix.with_name("requests.jsonl")),
        # Where the local stack's verification links arrive: load users verify their addresses
        # as the app's users do (only verified accounts post, comment and react).
        **({"LOAD_MAIL_DIR": str(mail_dir)} if mail_dir is not None else {}),
    }
    log = prefix.with_name("locust.log")
    with log.open("wb") as out:
        popen = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)  # noqa: S603
        if monitor is not None:
            monitor.watch(popen.pid, LOAD_GENERATOR)
        try:
            return popen.wait(timeout=duration + STOP_TIMEOUT + 60)
        except subprocess.TimeoutExpired:
            os.killpg(popen.pid, signal.SIGKILL)
            popen.wait()
            raise RuntimeError(f"locust did not stop within {duration + STOP_TIMEOUT + 60} s (see {log})") from None
        except BaseException:
            os.killpg(popen.pid, signal.SIGTERM)
            popen.wait()
            raise


def event_lag(database_url: str, since: Any, drain_seconds: float) -> dict[str, Any]:
    """Completion commit → report row, for the completions of this run (bench-pipeline's measure)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url, pool_size=1)
    made = "SELECT count(*) FROM program_completions WHERE completed_at >= :since"
    applied = (
        "SELECT count(*) FROM program_completions p JOIN reporting_completions r USING (user_id, task_id, date) "
        "WHERE p.completed_at >= :since"
    )
    try:
        deadline = time.monotonic() + drain_seconds
        with engine.connect() as conn:
            events = int(conn.execute(text(made), {"since": since}).scalar_one())
        while True:
            with engine.connect() as conn:
                done = int(conn.execute(text(applied), {"since": since}).scalar_one())
            if done >= events or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        with engine.connect() as conn:
            lags = sorted(
                float(v) * 1000
                for v in conn.execute(
                    text(
                        "SELECT extract(epoch FROM r.recorded_at - p.completed_at) FROM program_completions p "
                        "JOIN reporting_completions r USING (user_id, task_id, date) WHERE p.completed_at >= :since"
                    ),
                    {"since": since},
                ).scalars()
            )
    finally:
        engine.dispose()

    def pick(q: float) -> float | None:
        return round(lags[min(len(lags) - 1, round(q * (len(lags) - 1)))], 1) if lags else None

    return {
        "events": events,
        "unapplied": events - len(lags),
        "drainS": drain_seconds,
        "p50": pick(0.5),
        "p95": pick(0.95),
        "max": pick(1.0),
    }


def events_by_topic(database_url: str, since: Any) -> dict[str, int]:
    """Events of each topic applied since `since`, as its Postgres subscribers recorded them (processed_events):
    every topic the load model raises has one (the capacity plan's events per request)."""
    from sqlalchemy import create_engine, text

    topic_of = {s.function: s.topic for s in load_catalog().subscriptions}
    engine = create_engine(database_url, pool_size=1)
    try:
        with engine.connect() as conn:
            counts = conn.execute(
                text("SELECT consumer, count(*) FROM processed_events WHERE processed_at >= :since GROUP BY consumer"),
                {"since": since},
            ).all()
    finally:
        engine.dispose()
    topics: dict[str, int] = {}
    for consumer, count in counts:
        if consumer in topic_of:
            topics[topic_of[consumer]] = max(topics.get(topic_of[consumer], 0), int(count))
    return topics


def _database_now(database_url: str) -> Any:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url, pool_size=1)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT now()")).scalar_one()
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/load", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-url", help="the gateway (default: the local stack's, from scripts/dev up)")
    parser.add_argument("--users", type=int, default=20, help=f"simulated phones, 1..{MAX_USERS} (default 20)")
    parser.add_argument("--duration", type=int, default=60, help=f"seconds, 1..{MAX_DURATION} (default 60)")
    parser.add_argument("--spawn-rate", type=float, help="users started per second (default: all within 10 s)")
    parser.add_argument("--out", type=Path, help="the report's folder (default .local/load/<time>)")
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=Path(os.environ.get("DEVSTACK_STATE_DIR", DEFAULT_STATE_DIR)),
        help="the local stack to monitor (default: scripts/dev up's)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.users <= MAX_USERS or not 1 <= args.duration <= MAX_DURATION:
        parser.error(f"--users must be 1..{MAX_USERS} and --duration 1..{MAX_DURATION}")
    stack_state = StackState.load(args.state_dir)
    base_url = (args.base_url or (stack_state.gateway_url if stack_state else None) or "").rstrip("/")
    if not base_url:
        parser.error("no --base-url and no local stack running (scripts/dev up)")
    parsed = urllib.parse.urlsplit(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        parser.error(f"--base-url must be an http(s) URL, not {base_url!r}")
    try:
        with requests.Session() as http:
            http.trust_env = False  # the gateway given, never a proxy from the environment
            jwks = http.get(f"{base_url}/v1/auth/jwks", timeout=10)
    except requests.RequestException as exc:
        print(f"load: {base_url} does not answer: {exc}", file=sys.stderr)
        return 2
    if jwks.status_code != 200:
        print(f"load: {base_url} does not look like the Wellness API (GET /v1/auth/jwks: {jwks.status_code})",
              file=sys.stderr)  # fmt: skip
        return 2

    run_id = uuid.uuid4().hex[:8]
    started = reporting.now()
    out = args.out or REPO_ROOT / ".local" / "load" / started.replace(":", "")
    out.mkdir(parents=True, exist_ok=True)
    spawn_rate = args.spawn_rate or max(1.0, args.users / 10)
    stack = local_stack(base_url, args.state_dir)
    monitor = Monitor(stack) if stack is not None else None
    since = _database_now(stack.database_url) if stack and stack.database_url else None
    print(f"load: {args.users} users for {args.duration} s against {base_url} (run {run_id}; report in {out})")
    if monitor is not None:
        monitor.start()
    launched = time.time()
    try:
        mail_dir = stack.state_dir / "mail" if stack is not None else None
        code = run_locust(base_url, args.users, args.duration, spawn_rate, out / "locust", run_id, monitor, mail_dir)
    finally:
        if monitor is not None:
            monitor.stop()
    # How busy the machine was besides this run: other work on its cores shows in every number.
    load_average = [round(x, 1) for x in os.getloadavg()]
    if code != 0:
        print(f"load: locust exited {code}; its log: {out / 'locust.log'}", file=sys.stderr)
        print((out / "locust.log").read_text(errors="replace")[-3000:], file=sys.stderr)
        return 1
    measured = None
    if monitor is not None and stack is not None and stack.database_url:
        outbox = monitor.outbox
        measured = {
            "eventLag": event_lag(stack.database_url, since, DRAIN_SECONDS),
            "eventsByTopic": events_by_topic(stack.database_url, since),
            "outbox": outbox,
            "outboxPeak": {
                "postgres": max((s.get("postgres") or 0 for s in outbox), default=None),
                "firestore": max((s.get("firestore") or 0 for s in outbox), default=None),
                "oldestS": max(
                    (max(s.get("postgresOldestS") or 0, s.get("firestoreOldestS") or 0) for s in outbox), default=None
                ),
            },
            "processes": monitor.processes(),
            "machineCpuPct": monitor.machine_cpu_pct(),
        }
    run = {
        "runId": run_id,
        "baseUrl": base_url,
        "users": args.users,
        "durationS": args.duration,
        "spawnRate": spawn_rate,
        "started": started,
        "finished": reporting.now(),
        "machine": machine(),
        "loadAverage": load_average,
    }
    steady = reporting.steady_phase(out / "requests.jsonl", launched + args.duration)
    report = reporting.build(run, reporting.read_locust(out / "locust"), measured, steady)
    as_json, as_text = reporting.write(report, out)
    print(as_text.read_text())
    print(f"load: report written to {as_json} and {as_text}")
    return 0
