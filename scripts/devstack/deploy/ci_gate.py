"""Deploy only a commit whose CI is green: wait for the `ci` workflow's run on that commit.

The deploy workflow's first job runs this with its GITHUB_TOKEN (`actions: read`):

    python3 -m devstack.deploy.ci_gate --repo OWNER/REPO --sha "$GITHUB_SHA" --workflow ci.yml

It lists the runs of .github/workflows/ci.yml for the commit (a push to develop or main runs
it; a v* tag points at a commit main already ran it for) and waits while the newest is still
running. Exit 0 when it succeeded; 1 when it failed, was cancelled, or no run appeared within
the grace period (a tag on a commit CI never saw is not deployed).

Standard library only: the gate job needs no virtualenv.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

API = "https://api.github.com"
Fetch = Callable[[str], dict[str, Any]]


class GateClosed(RuntimeError):
    pass


def github(token: str) -> Fetch:
    def fetch(path: str) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 - the fixed GitHub API host
            API + path,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            payload: dict[str, Any] = json.loads(response.read())
            return payload

    return fetch


def verdict(runs: list[dict[str, Any]]) -> str | None:
    """The newest run's outcome: "success", a failure's conclusion, or None while it runs (or there is none).

    >>> verdict([{"id": 2, "status": "completed", "conclusion": "failure"}, {"id": 1, "conclusion": "success"}])
    'failure'
    >>> verdict([{"id": 3, "status": "in_progress", "conclusion": None}]) is None
    True
    """
    if not runs:
        return None
    newest = max(runs, key=lambda run: (run.get("run_attempt", 1), run["id"]))
    if newest.get("status") != "completed":
        return None
    return str(newest.get("conclusion"))


def wait_for_green(
    fetch: Fetch,
    repo: str,
    sha: str,
    workflow: str = "ci.yml",
    timeout: float = 3600,
    grace: float = 600,
    poll: float = 30,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    log: Callable[[str], None] = print,
) -> str:
    """Return the green run's URL; raise GateClosed when CI failed or never reported in time."""
    started = clock()
    path = f"/repos/{repo}/actions/workflows/{workflow}/runs?head_sha={sha}&per_page=50"
    while True:
        runs = fetch(path).get("workflow_runs", [])
        outcome = verdict(runs)
        if outcome == "success":
            newest = max(runs, key=lambda run: (run.get("run_attempt", 1), run["id"]))
            return str(newest.get("html_url", ""))
        if outcome is not None:
            raise GateClosed(f"CI ({workflow}) for {sha[:12]} ended in {outcome!r}: not deploying it")
        waited = clock() - started
        if not runs and waited > grace:
            raise GateClosed(f"no {workflow} run for {sha[:12]} after {grace:.0f} s: CI never saw this commit")
        if waited > timeout:
            raise GateClosed(f"CI ({workflow}) for {sha[:12]} still not finished after {timeout:.0f} s")
        log(f"ci_gate: waiting for {workflow} on {sha[:12]} ({'running' if runs else 'not started'})")
        sleep(poll)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m devstack.deploy.ci_gate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", required=True)
    parser.add_argument("--sha", required=True)
    parser.add_argument("--workflow", default="ci.yml")
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args(argv)
    token = os.environ.get("GITHUB_TOKEN", "")
    if not token:
        print("ci_gate: GITHUB_TOKEN is not set", file=sys.stderr)
        return 1
    try:
        url = wait_for_green(github(token), args.repo, args.sha, args.workflow, args.timeout)
    except (GateClosed, urllib.error.URLError) as exc:
        print(f"::error::ci_gate: {exc}", file=sys.stderr)
        return 1
    print(f"ci_gate: CI is green for {args.sha[:12]}: {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
