"""A stand-in for Cloud Scheduler: POST `{}` to each job function every few seconds.

    python -m devstack.stack.scheduler --url http://127.0.0.1:9001 --url http://127.0.0.1:9002 --interval 1

In the cloud the jobs (the outbox relay) run every minute; locally a short interval
keeps events flowing quickly. Errors are logged and the loop goes on: a function
restarting, or slow, must not end the schedule. Only changes (failing, recovered)
are logged, so a down function does not flood the log every second.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from datetime import UTC, datetime

HEADERS = {
    "Content-Type": "application/json",
    # What Cloud Scheduler sends, so functions may log or check it the same way.
    "User-Agent": "Google-Cloud-Scheduler",
    "X-CloudScheduler": "true",
}


def post(url: str, timeout: float) -> str | None:
    """POST {} to url; None when it answered 2xx, else a short description of what went wrong."""
    request = urllib.request.Request(url, data=b"{}", headers=HEADERS, method="POST")  # noqa: S310 (local URLs)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310 (local URLs)
            resp.read()
            return None if 200 <= resp.status < 300 else f"HTTP {resp.status}"
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (OSError, ValueError) as exc:  # refused, reset, timeout, bad URL
        return f"{type(exc).__name__}: {exc}"


def log(message: str) -> None:
    print(f"{datetime.now(UTC).strftime('%H:%M:%S')} scheduler: {message}", flush=True)


def run(urls: Sequence[str], interval: float, timeout: float, ticks: int | None = None) -> None:
    """Tick until stopped (or `ticks` times): one POST per URL per tick, in order."""
    failing: dict[str, str] = {}
    done = 0
    while ticks is None or done < ticks:
        started = time.monotonic()
        for url in urls:
            error = post(url, timeout)
            if error and failing.get(url) != error:
                log(f"{url} failed: {error} (retrying every {interval:g} s)")
            elif error is None and url in failing:
                log(f"{url} answers again")
            if error:
                failing[url] = error
            else:
                failing.pop(url, None)
        done += 1
        if ticks is not None and done >= ticks:
            break
        # A fixed rate, not a fixed gap: a slow job does not stretch the schedule.
        time.sleep(max(0.0, interval - (time.monotonic() - started)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.stack.scheduler", description=__doc__.splitlines()[0])
    parser.add_argument("--url", action="append", required=True, help="a job function's URL (repeatable)")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between ticks (default 1)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds one POST may take (default 30)")
    parser.add_argument("--ticks", type=int, default=None, help="stop after this many ticks (tests)")
    args = parser.parse_args(argv)
    if args.interval <= 0:
        parser.error("--interval must be positive")
    # SIGTERM (from `down`) ends the loop quietly instead of with a traceback.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    log(f"posting {{}} to {', '.join(args.url)} every {args.interval:g} s")
    try:
        run(args.url, args.interval, args.timeout, args.ticks)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
