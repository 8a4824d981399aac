"""Cold start of every function: process start to first 2xx, and memory, beside a bare hello.

Runs against a local stack that is already up (`scripts/dev up`): each function is
started again as a fresh functions-framework process with the stack's environment,
sent its sample request until it answers 2xx, then measured and stopped.

    scripts/bench-cold-start [--runs 3] [function…]

Prints, per function, the median time to first 2xx, the memory then (PSS of the whole
process group: gunicorn's arbiter and worker) and the highest seen over 20 warm requests.
"""

from __future__ import annotations

import argparse
import base64
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Callable

import psutil
import requests

from devstack.catalog import FUNCTIONS_DIR, load_catalog
from devstack.stack.layout import DEFAULT_STATE_DIR
from devstack.stack.procs import group_members
from devstack.stack.services import FunctionProcess, free_port
from devstack.stack.stack import Stack

Sample = Callable[[], tuple[str, str, dict[str, Any]]]  # method, path, requests kwargs
HELLO = "def handler(request):\n    return 'ok'\n"


def _userinfo(user_id: str) -> dict[str, str]:
    from wellness.platform.identity import userinfo_header

    return userinfo_header({"sub": user_id})


def _push(user_id: str) -> dict[str, Any]:
    from wellness.platform.events import Event

    data = {"userId": user_id, "email": f"{user_id[:8]}@example.com", "displayName": "Bench", "timezone": "UTC"}
    event = Event.new("user.created", user_id=user_id, data=data)
    return {"message": {"data": base64.b64encode(event.to_json()).decode(), "messageId": "bench"}}


def samples(account: dict[str, Any]) -> dict[str, Sample]:
    user_id = account["user"]["id"]
    credentials = {"email": account["user"]["email"], "password": account["password"]}
    return {
        "hello": lambda: ("GET", "/", {}),
        "auth-signup": lambda: ("POST", "/v1/auth/signup", {"json": _signup_body()}),
        "auth-login": lambda: ("POST", "/v1/auth/login", {"json": credentials}),
        "auth-jwks": lambda: ("GET", "/v1/auth/jwks", {}),
        "outbox-relay": lambda: ("POST", "/", {"json": {}}),
        "profile-on-user-created": lambda: ("POST", "/", {"json": _push(str(uuid.uuid4()))}),
        "profile-get-mine": lambda: ("GET", "/v1/me/profile", {"headers": _userinfo(user_id)}),
        "profile-update-mine": lambda: (
            "PATCH",
            "/v1/me/profile",
            {"json": {"bio": "b"}, "headers": _userinfo(user_id)},
        ),
        **{name: _get(path, user_id) for name, path in READS.items()},
        "program-on-user-created": lambda: ("POST", "/", {"json": _push(str(uuid.uuid4()))}),
        "reporting-on-user-created": lambda: ("POST", "/", {"json": _push(str(uuid.uuid4()))}),
    }


def _get(path: str, user_id: str) -> Sample:
    return lambda: ("GET", path, {"headers": _userinfo(user_id)})


READS = {
    "program-list": "/v1/programs",
    "program-get": "/v1/programs/mindful-7",
    "program-enrollments-mine": "/v1/me/enrollments",
    "program-tasks-mine": "/v1/me/tasks",
    "reporting-summary": "/v1/me/reports/summary",
    "reporting-daily": "/v1/me/reports/daily?from=2026-11-01&to=2026-11-30",
}


def _signup_body() -> dict[str, str]:
    email = f"bench-{uuid.uuid4().hex[:10]}@example.com"
    return {"email": email, "password": "correct horse battery", "displayName": "Bench", "timezone": "UTC"}


def _group_pss_kib(pgid: int) -> int:
    """Proportional set size of the whole group: gunicorn's arbiter and worker share pages
    copy-on-write, and PSS counts each shared page once, as the container's memory does."""
    total = 0
    for pid in group_members(pgid):
        try:
            total += psutil.Process(pid).memory_full_info().pss // 1024
        except psutil.Error:
            continue
    return total


def measure(function: FunctionProcess, sample: Sample) -> tuple[float, int, int]:
    """(seconds to first 2xx, PSS KiB then, highest PSS KiB seen over 20 warm requests) of one fresh process."""
    started = time.perf_counter()
    function.start(wait=False)
    assert function.popen is not None and function.pid is not None
    try:
        while True:
            if function.popen.poll() is not None or time.perf_counter() - started > 60:
                tail = function.log_path.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{function.name} did not answer 2xx within 60 s:\n{tail}")
            method, path, kwargs = sample()
            try:
                response = requests.request(method, function.url + path, timeout=30, **kwargs)
            except requests.ConnectionError:
                time.sleep(0.005)
                continue
            if 200 <= response.status_code < 300:
                break
            raise RuntimeError(f"{function.name}: {response.status_code} {response.text[:200]}")
        cold = time.perf_counter() - started
        memory = peak = _group_pss_kib(function.pid)
        for _ in range(20):
            method, path, kwargs = sample()
            requests.request(method, function.url + path, timeout=30, **kwargs)
            peak = max(peak, _group_pss_kib(function.pid))
        return cold, memory, peak
    finally:
        function.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("functions", nargs="*")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    stack = Stack.load(DEFAULT_STATE_DIR)
    if stack is None:
        parser.error("start the local stack first: scripts/dev up")
    gateway = stack.gateway_url
    body = _signup_body()
    account = {**requests.post(f"{gateway}/v1/auth/signup", json=body, timeout=30).json(), "password": body["password"]}
    time.sleep(2)  # the account's profile, for the profile functions
    table = samples(account)
    names = ["hello", *(args.functions or [fn.name for fn in load_catalog().functions])]
    print(f"{'function':26} {'cold start (median)':>20} {'PSS at 1st 2xx':>16} {'peak PSS':>10}   runs={args.runs}")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "hello").mkdir()
        (Path(tmp) / "hello" / "main.py").write_text(HELLO)
        for name in names:
            if name not in table:
                print(f"{name:26} (no sample request defined in devstack/bench_cold_start.py)")
                continue
            functions_dir = Path(tmp) if name == "hello" else FUNCTIONS_DIR
            # Telemetry as deployed (OTLP to the stack's receiver): its cost is part of the cold start.
            env = {**stack.env, "FUNCTION_NAME": name}
            log = Path(tmp) / f"{name}.log"
            results = [
                measure(FunctionProcess(name, free_port(), env, log, functions_dir), table[name])
                for _ in range(args.runs)
            ]
            cold = statistics.median(r[0] for r in results)
            rss = statistics.median(r[1] for r in results) / 1024
            peak = max(r[2] for r in results) / 1024
            print(f"{name:26} {cold * 1000:>17.0f} ms {rss:>13.0f} MiB {peak:>6.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
