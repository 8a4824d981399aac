"""What the load does to the local stack, sampled while it runs: CPU and memory per process, outbox backlog.

Only for a local stack (its state.json names the processes and stores); against any other
gateway the report says these were not measured. One pass over the machine's processes per
sample: each process is charged to the stack process whose group it belongs to (a function's
gunicorn arbiter and worker, an emulator's gcloud wrapper and Java child), PostgreSQL's backends
to "postgres", the load generator's to "load generator (locust)".

CPU is the share of one core over the interval (200 % is both cores of this machine), from
the processes' CPU times, their reaped children's included.

    Usage::

        monitor = Monitor(stack, interval=2.0); monitor.start()
        monitor.stop(); monitor.summary()["processes"][0]["name"]   # -> 'gateway'
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from typing import Any

import psutil

from devstack.stack.state import StackState

POSTGRES = "postgres"
LOAD_GENERATOR = "load generator (locust)"


class Monitor:
    """Samples the stack every `interval` seconds on a thread of its own until stop()."""

    def __init__(self, stack: StackState, interval: float = 2.0, project: str = "wellness-local"):
        self.stack = stack
        self.interval = interval
        self.project = project
        self.groups: dict[int, str] = {
            int(rec["pgid"]): name for name, rec in stack.processes.items() if rec.get("pgid")
        }
        self.postmaster = stack.cluster.postmaster_pid() if stack.cluster else None
        self.cpu: list[tuple[float, dict[str, float]]] = []  # (monotonic time, cumulative CPU seconds by name)
        self.rss_peak: dict[str, float] = defaultdict(float)  # MiB
        self.outbox: list[dict[str, Any]] = []
        self._t0 = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="load-monitor", daemon=True)
        self._engine: Any = None
        self._firestore: Any = None

    def watch(self, pgid: int, name: str) -> None:
        """Charge another process group (the load generator) to `name`."""
        self.groups[pgid] = name

    def start(self) -> None:
        self._t0 = time.monotonic()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        self._sample_cpu()  # the last interval too
        self.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            self._sample_cpu()
            self._sample_outbox()
            self._stop.wait(max(0.0, self.interval - (time.monotonic() - started)))

    def _owner(self, process: psutil.Process) -> str | None:
        try:
            name = self.groups.get(os.getpgid(process.pid))
        except OSError:
            return None
        if name is None and self.postmaster and process.pid == self.postmaster:
            return POSTGRES
        if name is None and self.postmaster and process.info.get("ppid") == self.postmaster:
            return POSTGRES
        return name

    def _sample_cpu(self) -> None:
        seconds: dict[str, float] = defaultdict(float)
        rss: dict[str, float] = defaultdict(float)
        for process in psutil.process_iter(["ppid", "cpu_times", "memory_info"]):
            name = self._owner(process)
            times, memory = process.info.get("cpu_times"), process.info.get("memory_info")
            if name is None or times is None or memory is None:
                continue
            seconds[name] += times.user + times.system + times.children_user + times.children_system
            rss[name] += memory.rss / 2**20
        self.cpu.append((time.monotonic(), dict(seconds)))
        for name, mib in rss.items():
            self.rss_peak[name] = max(self.rss_peak[name], mib)

    def _stores(self) -> tuple[Any, Any]:
        """An engine and a Firestore client of the monitor's own, built on first use, closed by stop()."""
        if self._engine is None and self.stack.database_url:
            from sqlalchemy import create_engine

            self._engine = create_engine(self.stack.database_url, pool_size=1, max_overflow=0)
        if self._firestore is None and self.stack.firestore_host:
            from google.cloud import firestore

            # The client finds the emulator through the environment, read once when it is built.
            saved = os.environ.get("FIRESTORE_EMULATOR_HOST")
            os.environ["FIRESTORE_EMULATOR_HOST"] = self.stack.firestore_host
            try:
                self._firestore = firestore.Client(project=self.project)
            finally:
                if saved is None:
                    del os.environ["FIRESTORE_EMULATOR_HOST"]
                else:
                    os.environ["FIRESTORE_EMULATOR_HOST"] = saved
        return self._engine, self._firestore

    def _sample_outbox(self) -> None:
        from wellness.platform.firestore import outbox as firestore_outbox
        from wellness.platform.postgres import outbox as postgres_outbox

        engine, client = self._stores()
        sample: dict[str, Any] = {"t": round(time.monotonic() - self._t0, 1)}
        for store, backlog, handle in (
            ("postgres", postgres_outbox.backlog, engine),
            ("firestore", firestore_outbox.backlog, client),
        ):
            if handle is None:
                continue
            try:
                pending, oldest = backlog(handle)
            except Exception as exc:  # noqa: BLE001 - a store that does not answer leaves a gap, not a dead monitor
                sample[f"{store}Error"] = f"{type(exc).__name__}: {exc}"[:200]
                continue
            sample[store], sample[f"{store}OldestS"] = pending, round(oldest, 1)
        self.outbox.append(sample)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        if self._firestore is not None:
            self._firestore.close()

    def processes(self, top: int = 12) -> list[dict[str, Any]]:
        """The busiest processes: CPU (average and peak interval, % of one core), CPU seconds, peak RSS."""
        if len(self.cpu) < 2:
            return []
        rows: list[dict[str, Any]] = []
        for name in self.cpu[-1][1]:
            # From the first sample that saw it: the load generator starts after the monitor.
            seen = [(t, totals[name]) for t, totals in self.cpu if name in totals]
            (t_first, first), (t_last, last) = seen[0], seen[-1]
            peak = max(
                ((b - a) / (t1 - t0) for (t0, a), (t1, b) in zip(seen, seen[1:], strict=False) if t1 > t0),
                default=0.0,
            )
            used = max(0.0, last - first)
            rows.append(
                {
                    "name": name,
                    "cpuSeconds": round(used, 1),
                    "cpuAvgPct": round(100 * used / max(t_last - t_first, 1e-9), 1),
                    "cpuPeakPct": round(100 * peak, 1),
                    "rssPeakMiB": round(self.rss_peak.get(name, 0.0)),
                }
            )
        rows.sort(key=lambda r: -float(r["cpuSeconds"]))
        return rows[:top]

    def machine_cpu_pct(self) -> float:
        """All the stack's processes and the load generator together, % of one core."""
        if len(self.cpu) < 2:
            return 0.0
        elapsed = self.cpu[-1][0] - self.cpu[0][0]
        used = sum(float(row["cpuSeconds"]) for row in self.processes(top=len(self.cpu[-1][1])))
        return round(100 * used / max(elapsed, 1e-9), 1)
