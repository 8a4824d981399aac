"""A candidate release beside the running local stack, as a release runs in the cloud.

    python -m devstack.stack.candidate ../next-checkout [--state-dir .local/dev] [--functions a,b]

In the cloud (terraform/modules/function, subscriber_function) a release's changed functions
get new revisions behind a `candidate` tag at 0 % of traffic, a candidate gateway routes to
the tag URLs (an unchanged function's tag is its live revision), each subscription's
candidate twin pushes the smoke's events to the tag, the smoke runs through the candidate
gateway, and only then is traffic moved. Here the same, with processes:

- the functions whose bundle differs between the running tree and the candidate tree (each
  tree's own packager names the bundles, so "changed" means what it means in the cloud: a
  file the function runs changed) start from the candidate tree, beside the live ones, with
  the same services and secrets (one database, one set of emulators, as a release shares
  them);
- a candidate gateway on its own port serves the candidate tree's contract, routed to those
  processes and, for every other function, to the live ones;
- the subscriptions' candidate lanes push to the candidate processes (devstack.stack.pubsub_setup);
- `release()` plays deploy.yml's order: candidate up, the smoke through the candidate
  gateway, then `promote()` only if it passed (the candidate's processes become the live
  ones, the live gateway is routed to them) or else `stop()` (the live release never saw it).

Only the changed functions start twice, so a release of a few functions costs a few
processes on a two-core machine.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

from devstack.catalog import load_catalog
from devstack.stack.layout import PROJECT
from devstack.stack.procs import LOCALHOST, stop_groups, wait_for
from devstack.stack.pubsub_setup import setup_topology
from devstack.stack.services import FunctionProcess, free_port
from devstack.stack.stack import READY_PATH, Stack, StackError

_BUNDLE_NAMES = (
    "import json; from devstack.deploy import package; "
    "print(json.dumps({n: package.bundle_name(n) for n in package.bundled_functions()}))"
)
PREFIX = "candidate-"  # its processes' names in the stack's state: `scripts/dev down` stops them too


@functools.cache  # a tree is named once per process (the running stack's is asked by every release)
def bundle_names(root: Path) -> dict[str, str]:
    """{function: bundle name} of a source tree, by that tree's own packager (in a subprocess)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "scripts"), str(root / "shared")])}
    run = subprocess.run(
        [sys.executable, "-c", _BUNDLE_NAMES], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    if run.returncode != 0:
        raise StackError(f"could not name the bundles of {root}:\n{run.stderr[-2000:]}")
    names: dict[str, str] = json.loads(run.stdout)
    return names


def changed_functions(live_root: Path, candidate_root: Path) -> list[str]:
    """The functions the candidate tree deploys anew: a new bundle, or a new function."""
    live, candidate = bundle_names(live_root.resolve()), bundle_names(candidate_root.resolve())
    return sorted(name for name, bundle in candidate.items() if live.get(name) != bundle)


class Candidate:
    """The candidate release of `source` (a checkout) beside `stack`; see the module docstring."""

    def __init__(self, stack: Stack, source: Path, functions: Sequence[str] | None = None):
        self.stack = stack
        self.source = source.resolve()
        self.catalog = load_catalog(self.source / "functions", self.source / "contracts")
        self.functions = list(functions) if functions is not None else None
        self.own: dict[str, str] = {}  # candidate function -> its process URL
        self.gateway_url = ""

    @property
    def urls(self) -> dict[str, str]:
        """What the candidate gateway routes to: the candidate's processes, else the live ones (the tag's revision)."""
        return {**self.stack.urls, **self.own}

    def start(self) -> Candidate:
        """Start the changed functions, the candidate gateway and the candidate lanes; StackError if one fails."""
        live_root = self.stack.layout.functions_dir.parent
        names = self.functions if self.functions is not None else changed_functions(live_root, self.source)
        env = {**self.stack.env, "PYTHONPATH": str(self.source / "shared")}
        started = []
        try:
            for name in names:
                proc = FunctionProcess(
                    name,
                    free_port(),
                    {**env, "FUNCTION_NAME": name},
                    self.stack.log_path(PREFIX + name),
                    functions_dir=self.source / "functions",
                )
                proc.start(wait=False)
                assert proc.popen is not None
                self.stack._track(PREFIX + name, "function", proc.popen, proc.log_path, port=proc.port, url=proc.url)
                started.append(proc)
                self.own[name] = proc.url
            for proc in started:
                proc.wait_ready(self.stack.ready_timeout)
            port = free_port()
            popen = self.stack.spawn_gateway(
                PREFIX + "gateway", port, self.urls, self.catalog, self.source / "contracts"
            )
            self.gateway_url = f"http://{LOCALHOST}:{port}"
            log = self.stack.log_path(PREFIX + "gateway")
            wait_for(self._gateway_ready, self.stack.ready_timeout, "the candidate gateway", popen, log)
            self._lanes(self.stack.urls, self.own)
        except BaseException:
            self.stop()
            raise
        return self

    def promote(self) -> None:
        """The candidate's processes become the live ones: the live gateway and both lanes go to them."""
        stack = self.stack
        retired = [name for name in self.own if name in stack.processes]
        self._stop([*retired, "gateway"])
        for name, url in self.own.items():
            stack.processes[name] = stack.processes.pop(PREFIX + name)
            if PREFIX + name in stack._popens:
                stack._popens[name] = stack._popens.pop(PREFIX + name)
            stack.urls[name] = url
        assert stack.gateway_port is not None
        popen = stack.spawn_gateway("gateway", stack.gateway_port, stack.urls, self.catalog, self.source / "contracts")
        log = stack.log_path("gateway")
        wait_for(lambda: _answers(str(stack.gateway_url)), stack.ready_timeout, "the gateway", popen, log)
        self.own = {}
        self.stop()

    def stop(self) -> None:
        """Stop what the candidate started (not promoted: the live release is as it was) and give its lanes back."""
        self._stop([name for name in self.stack.processes if name.startswith(PREFIX)])
        self.own, self.gateway_url = {}, ""
        if self.stack.pubsub_host:
            self._lanes(self.stack.urls, {})

    def _stop(self, names: list[str]) -> None:
        records = [self.stack.processes.pop(name) for name in names if name in self.stack.processes]
        popens = [self.stack._popens.pop(name) for name in names if name in self.stack._popens]
        stop_groups([(r["pgid"], r.get("started")) for r in records if r.get("pgid")], popens=popens)
        self.stack._save()

    def _lanes(self, live: dict[str, str], candidate: dict[str, str]) -> None:
        assert self.stack.pubsub_host
        setup_topology(self.stack.pubsub_host, PROJECT, self.catalog, live, candidate)

    def _gateway_ready(self) -> bool:
        for name in self.own:
            popen = self.stack._popens.get(PREFIX + name)
            if popen is not None and popen.poll() is not None:
                raise StackError(f"candidate function {name} exited with code {popen.returncode}")
        return _answers(self.gateway_url)


def _answers(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}{READY_PATH}", timeout=2) as resp:  # noqa: S310 (local)
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def release(stack: Stack, source: Path, smoke: Callable[[str], bool], functions: Sequence[str] | None = None) -> bool:
    """deploy.yml's order, locally: the candidate beside the live, the smoke through its gateway, then promotion.

    Returns whether the candidate was promoted; a failed smoke stops the candidate and leaves the live as it was.
    """
    candidate = Candidate(stack, source, functions).start()
    try:
        passed = smoke(candidate.gateway_url)
    except BaseException:
        candidate.stop()
        raise
    if not passed:
        candidate.stop()
        return False
    candidate.promote()
    return True


def smoke_passes(smoke_key_file: Path, event_timeout: float = 10.0) -> Callable[[str], bool]:
    """The release smoke (scripts/smoke) against a gateway, with the stack's smoke key (as a release has it)."""
    from devstack import smoke

    def run(base_url: str) -> bool:
        argv = ["--base-url", base_url, "--smoke-key-file", str(smoke_key_file), "--event-timeout", str(event_timeout)]
        return smoke.main(argv) == 0

    return run


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.stack.candidate", description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="the candidate release's checkout")
    parser.add_argument("--state-dir", type=Path, default=Path(".local/dev"), help="the running stack's state")
    parser.add_argument("--functions", help="comma-separated functions to run as candidates (default: the changed)")
    parser.add_argument("--event-timeout", type=float, default=10.0)
    args = parser.parse_args(argv)
    stack = Stack.load(args.state_dir)
    if stack is None:
        print(f"candidate: no stack running in {args.state_dir} (scripts/dev up)", file=sys.stderr)
        return 1
    functions = args.functions.split(",") if args.functions else None
    started = time.monotonic()
    promoted = release(stack, args.source, smoke_passes(stack.smoke_key_file, args.event_timeout), functions)
    outcome = "promoted" if promoted else "stopped by the smoke: not promoted, the live release is unchanged"
    print(f"candidate: {outcome} ({time.monotonic() - started:.1f}s)")
    return 0 if promoted else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
