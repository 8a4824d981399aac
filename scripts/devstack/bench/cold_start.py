"""Cold start of every function: process start to first 2xx, its parts, its import floor, and memory.

Runs against a local stack that is already up (`scripts/dev up`): each function's
deployable bundle (`scripts/package`'s files, unpacked; `--from-repo`: the repository's
source, as the local stack runs it) is started as a fresh functions-framework process
with the stack's environment (through `launch.py`, which marks each phase), sent its
sample request (samples.py) as soon as its port takes connections, then 20 more times
warm (a one-shot request, made ahead of the run, 1-3 times), and stopped.

    scripts/bench-cold-start [--runs 5] [--cpu [N]] [--python PATH] [--from-repo] [function…]

`--python` runs the functions on another interpreter: a venv's python holding the bundles'
requirements, which also compiles each bundle to its own bytecode (its `cache_tag`). To compare
runtimes on a loaded machine, alternate interpreters run by run (`--runs 1` in a loop) and
compare the CPU column as well as the cold one (terraform/README.md, sizing).

`--cpu` runs each function in a CPU quota equal to its catalog `cpu` (`--cpu 0.5`: that
size for all), the size it has in the cloud (cgroup v1 or v2, see cpu_quota.py). Prints
per function, medians over the runs:

- cold: spawn to first 2xx, and its parts: interpreter start, imports (the framework's
  and main.py's import statements), setup (the rest of main.py: settings, runtime,
  wiring), server (gunicorn's arbiter and worker up), first request; CPU: the CPU time
  (user + system) of the function's processes up to the first 2xx, which other work on
  the machine changes far less than it changes the wall time;
- floor: the same process importing exactly the third-party modules the function held
  after its first answer, then serving a hello: the least a cold start of this code can
  cost; warm: the median warm latency of the same request (its real work); the goal is
  cold <= 1.15 x floor + warm;
- the budget (`cold_start_ms` in functions/catalog.yaml) and whether cold is over it;
- PSS of the process group (gunicorn's arbiter and worker) at the first 2xx and its peak.

A benchmark: it prints numbers and the load average beside them, and never fails on them.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Callable

import psutil
import requests

from devstack.bench.cpu_quota import QuotaUnavailable, cpu_quota, which
from devstack.bench.samples import Sample, World
from devstack.catalog import FUNCTIONS_DIR, Function, load_catalog
from devstack.deploy.package import bundle_files
from devstack.stack.layout import DEFAULT_STATE_DIR
from devstack.stack.procs import group_members, stop_group
from devstack.stack.services import free_port
from devstack.stack.stack import Stack

HELLO = "def handler(request):\n    return 'ok'\n"


LAUNCH = Path(__file__).with_name("launch.py")
PHASES = ("interpreter", "imports", "setup", "serving")
NS = 1e-9


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


def _group_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) the group's live processes have used: far less sensitive than wall
    time to other work on a shared machine."""
    total = 0.0
    for pid in group_members(pgid):
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


@dataclasses.dataclass(frozen=True)
class Run:
    """One cold start: seconds from spawn to each phase's end and to the first 2xx, warm latency, memory."""

    phases: dict[str, float]
    first_2xx: float
    warm: float
    pss_kib: int
    peak_pss_kib: int
    modules: tuple[str, ...]
    cpu: float = 0.0  # CPU seconds (user + system) of the process group up to the first 2xx

    def parts(self) -> dict[str, float]:
        """Each phase's own duration (interpreter, imports, setup, server, first request)."""
        ends = [self.phases[p] for p in PHASES] + [self.first_2xx]
        names = ("interpreter", "imports", "setup", "server", "request")
        return {name: end - start for name, start, end in zip(names, [0.0, *ends], ends, strict=False)}


@dataclasses.dataclass
class Launcher:
    """How to start a function's process: which Python, its environment, and its CPU size."""

    python: str
    env: dict[str, str]
    workdir: Path
    warm_requests: int = 20

    def run(self, source: Path, sample: Sample, join: Callable[[], None] | None, modules: Path | None = None) -> Run:
        warm_requests = getattr(sample, "warm", self.warm_requests)
        prepare = getattr(sample, "prepare", None)
        if prepare is not None:  # one-shot requests (a Pool) are made before the clock starts
            prepare(1 + warm_requests)
        marks = self.workdir / f"marks-{uuid.uuid4().hex[:8]}"
        port = free_port()
        command = [self.python, str(LAUNCH), str(marks), str(source), str(port)]
        command += [str(modules)] if modules else []
        env = {**os.environ, **self.env, "PORT": str(port)}
        with open(self.workdir / "functions.log", "ab") as log:
            started = time.monotonic_ns()
            popen = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=source.parent,
                start_new_session=True,
                preexec_fn=join,
            )
        try:
            first = self._first_2xx(popen, f"http://127.0.0.1:{port}", sample, started)
            cpu = _group_cpu_seconds(popen.pid)
            pss = peak = _group_pss_kib(popen.pid)
            warm = []
            for _ in range(warm_requests):
                method, path, kwargs = sample()
                began = time.perf_counter()
                requests.request(method, f"http://127.0.0.1:{port}{path}", timeout=30, **kwargs)
                warm.append(time.perf_counter() - began)
                peak = max(peak, _group_pss_kib(popen.pid))
        finally:
            stop_group(popen.pid, popen=popen)
        found = dict(line.split(" ", 1) for line in marks.read_text().splitlines())
        return Run(
            phases={p: (int(found[p]) - started) * NS for p in PHASES},
            first_2xx=first,
            cpu=cpu,
            warm=statistics.median(warm),
            pss_kib=pss,
            peak_pss_kib=peak,
            modules=tuple(found.get("modules", "").split()),
        )

    def _first_2xx(self, popen: subprocess.Popen[bytes], url: str, sample: Sample, started: int) -> float:
        """Wait until the port takes connections, then send one sample (a pooled one is used once)."""
        port = int(url.rsplit(":", 1)[1])
        while True:
            if popen.poll() is not None or (time.monotonic_ns() - started) * NS > 60:
                tail = (self.workdir / "functions.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"no 2xx within 60 s from {url}:\n{tail}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.002)
        # The arbiter listens before it forks the worker: the request waits in the backlog, as in the cloud.
        method, path, kwargs = sample()
        response = requests.request(method, url + path, timeout=60, **kwargs)
        if 200 <= response.status_code < 300:
            return (time.monotonic_ns() - started) * NS
        raise RuntimeError(f"{url}{path}: {response.status_code} {response.text[:200]}")


@dataclasses.dataclass(frozen=True)
class Result:
    name: str
    cpu: float | None
    runs: list[Run]
    floor: list[Run]
    budget_ms: int | None

    def median(self, value: Callable[[Run], float], runs: list[Run] | None = None) -> float:
        return statistics.median(value(r) for r in (self.runs if runs is None else runs))

    def part(self, name: str) -> float:
        return statistics.median(r.parts()[name] for r in self.runs)

    @property
    def cold(self) -> float:
        return self.median(lambda r: r.first_2xx)

    @property
    def goal(self) -> float | None:
        """1.15 x the import floor plus the request's own work (its warm latency)."""
        if not self.floor:
            return None
        return 1.15 * self.median(lambda r: r.first_2xx, self.floor) + self.median(lambda r: r.warm)

    def row(self) -> str:
        ms = 1000
        parts = [self.part(k) * ms for k in ("interpreter", "imports", "setup", "server", "request")]
        floor = f"{self.median(lambda r: r.first_2xx, self.floor) * ms:6.0f}" if self.floor else "     -"
        goal = self.goal
        verdict = []
        if goal is not None and self.cold > goal:
            verdict.append(f"over 1.15xfloor+warm ({goal * ms:.0f})")
        if self.budget_ms is not None and self.cold * ms > self.budget_ms:
            verdict.append(f"OVER BUDGET ({self.budget_ms})")
        size = f"{self.cpu:g}" if self.cpu else "all"
        pss = self.median(lambda r: r.pss_kib) / 1024
        peak = max(r.peak_pss_kib for r in self.runs) / 1024
        return (
            f"{self.name:28} {size:>4} {self.cold * ms:6.0f} {self.median(lambda r: r.cpu) * ms:5.0f} | "
            f"{parts[0]:4.0f} {parts[1]:5.0f} {parts[2]:5.0f} "
            f"{parts[3]:5.0f} {parts[4]:5.0f} | {floor} {self.median(lambda r: r.warm) * ms:5.0f} | "
            f"{pss:4.0f} {peak:4.0f} MiB  {'; '.join(verdict) or 'ok'}"
        )


HEADER = (
    f"{'function':28} {'cpu':>4} {'cold':>6} {'CPU':>5} | "
    f"{'interp':>4} {'imports':>5} {'setup':>5} {'server':>5} {'1st req':>5} "
    f"| {'floor':>6} {'warm':>5} | PSS/peak      verdict   (ms, medians)"
)


@contextlib.contextmanager
def _size(cpu: float | None) -> Iterator[Callable[[], None] | None]:
    """The quota's group; without --cpu still a group of the same weight when one can be made."""
    try:
        which()
    except QuotaUnavailable:
        if cpu is not None:
            raise
        yield None
        return
    with cpu_quota(cpu) as join:
        yield join


def bench(
    name: str, fn: Function | None, source: Path, sample: Sample, launcher: Launcher, runs: int, cpu: float | None
) -> Result:
    """`runs` cold starts of one function at its size, then as many of its import floor."""
    with _size(cpu) as join:
        measured = [launcher.run(source, sample, join) for _ in range(runs)]
        floor: list[Run] = []
        if fn is not None:
            modules = launcher.workdir / f"{name}.modules"
            modules.write_text("\n".join(measured[-1].modules))
            hello = launcher.workdir / "hello" / "main.py"
            floor = [launcher.run(hello, lambda: ("GET", "/", {}), join, modules) for _ in range(runs)]
    return Result(name, cpu, measured, floor, fn.cold_start_ms if fn else None)


def _unpacked_bundle(name: str, workdir: Path, python: str) -> Path:
    """The function's deployable bundle (what `scripts/package` archives), unpacked: its main.py.

    Compiled to bytecode as Google's buildpack does (`python3 -m compileall -f -q .`, see
    devstack.deploy.precompile): without it every cold start here would compile the library's
    source again (and never keep the result where PYTHONDONTWRITEBYTECODE is set).
    """
    root = workdir / "bundles" / name
    for path, content in bundle_files(name).items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(content)
    subprocess.run([python, "-m", "compileall", "-f", "-q", str(root)], check=True, stdout=subprocess.DEVNULL)
    return root / "main.py"


def _cpu_of(fn: Function | None, choice: str | None) -> float | None:
    if choice is None:
        return None
    if choice != "catalog":
        return float(choice)
    return float(fn.cpu) if fn else 1.0  # the hello: an endpoint's size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("functions", nargs="*")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--cpu",
        nargs="?",
        const="catalog",
        help="run in a CPU quota: the catalog's cpu of each function, or this many vCPUs for all",
    )
    parser.add_argument("--python", default=sys.executable, help="the interpreter (and its venv) to run functions on")
    parser.add_argument(
        "--from-repo",
        action="store_true",
        help="run functions/<name>/main.py on shared/ (as the local stack does), not the deployable bundle",
    )
    args = parser.parse_args()
    stack = Stack.load(DEFAULT_STATE_DIR)
    if stack is None or stack.gateway_url is None:
        parser.error("start the local stack first, with its gateway: scripts/dev up")
    if args.cpu:
        try:
            print(f"CPU quota through {which()}")
        except QuotaUnavailable as error:
            parser.error(str(error))
    gateway = stack.gateway_url
    assert gateway is not None, "the stack has no gateway running"
    table = World(gateway, stack.mail_dir).samples()
    catalog = load_catalog()
    names = ["hello", *(args.functions or [fn.name for fn in catalog.functions])]
    python = subprocess.run([args.python, "-VV"], capture_output=True, text=True, check=True).stdout.strip()
    print(f"{python}; runs={args.runs}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(HEADER)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "hello").mkdir()
        (workdir / "hello" / "main.py").write_text(HELLO)
        for name in names:
            if name not in table:
                print(f"{name:28} (no sample request defined in devstack/bench/cold_start.py)")
                continue
            fn = None if name == "hello" else catalog.function(name)
            # Telemetry as deployed (OTLP to the stack's receiver): its cost is part of the cold start.
            env = {**stack.env, "FUNCTION_NAME": name, "K_SERVICE": name}
            if fn is None:
                source = workdir / "hello" / "main.py"
            elif args.from_repo:
                source = FUNCTIONS_DIR / name / "main.py"
            else:  # as deployed: the bundle alone on the path, its contracts precompiled
                source = _unpacked_bundle(name, workdir, args.python)
                env["PYTHONPATH"] = str(source.parent)
            launcher = Launcher(args.python, env, workdir)
            print(bench(name, fn, source, table[name], launcher, args.runs, _cpu_of(fn, args.cpu)).row(), flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
