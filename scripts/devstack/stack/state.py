"""What a local stack started, as state.json records it: enough to report on it and stop it.

`scripts/dev status` and `down` run in a new process, long after `up` returned, so
everything they need is in the file: each process's pid (its process-group id) and
start time, its port, URL and log, and the PostgreSQL cluster's folder.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any, TypeVar

from devstack.stack.layout import read_json, write_json
from devstack.stack.postgres import PostgresCluster
from devstack.stack.procs import pid_alive, stop_groups

S = TypeVar("S", bound="StackState")
# Callers before callees; the telemetry pipeline last, so the functions' exit exports still land.
_STOP_TIERS = (
    ("scheduler", "gateway", "console"),
    ("function",),
    ("pubsub", "firestore", "mailsink"),
    ("otlp",),
    ("prometheus",),
)


class StackError(RuntimeError):
    """The stack could not start (the message carries the failing process's log tail)."""


class StackState:
    """The record of one stack in state_dir; Stack (stack.py) adds how to start it."""

    def __init__(self, state_dir: Path | str):
        self.state_dir = Path(state_dir).resolve()
        self.gateway_port: int | None = None
        self.domains: list[str] = []
        self.database_url: str | None = None
        self.pubsub_host: str | None = None
        self.firestore_host: str | None = None
        self.gateway_url: str | None = None
        self.urls: dict[str, str] = {}
        self.processes: dict[str, dict[str, Any]] = {}
        self.timings: dict[str, float] = {}
        self.cluster: PostgresCluster | None = None
        # Popen objects of processes started by this very object, so they can be reaped.
        self._popens: dict[str, subprocess.Popen[bytes]] = {}

    @property
    def state_file(self) -> Path:
        return self.state_dir / "state.json"

    def log_path(self, name: str) -> Path:
        return self.state_dir / "logs" / f"{name}.log"

    def function_url(self, name: str) -> str:
        if name not in self.urls:
            raise KeyError(f"function {name!r} is not running in this stack (running: {sorted(self.urls)})")
        return self.urls[name]

    def _save(self) -> None:
        write_json(
            self.state_file,
            {
                "version": 1,
                "domains": self.domains,
                "gateway_url": self.gateway_url,
                "gateway_port": self.gateway_port,
                "database_url": self.database_url,
                "pubsub_host": self.pubsub_host,
                "firestore_host": self.firestore_host,
                "postgres": self.cluster.record() if self.cluster else None,
                "processes": self.processes,
                "urls": self.urls,
                "timings": self.timings,
            },
        )

    @classmethod
    def load(cls: type[S], state_dir: Path | str) -> S | None:
        """The stack recorded in state_dir/state.json, or None when there is none."""
        data = read_json(Path(state_dir) / "state.json")
        if data is None:
            return None
        stack = cls(state_dir)
        stack.gateway_port = data.get("gateway_port")
        stack.domains = data.get("domains") or []
        stack.database_url = data.get("database_url")
        stack.pubsub_host, stack.firestore_host = data.get("pubsub_host"), data.get("firestore_host")
        stack.processes = data.get("processes", {})
        stack.urls = data.get("urls", {})
        stack.timings = data.get("timings", {})
        stack.gateway_url = data.get("gateway_url")
        if data.get("postgres"):
            stack.cluster = PostgresCluster.from_record(data["postgres"])
        return stack

    def status(self) -> list[dict[str, Any]]:
        """One row per process (name, kind, alive, url, log), PostgreSQL first."""
        rows = []
        if self.cluster is not None:
            pid = self.cluster.postmaster_pid()
            rows.append(
                {
                    "name": "postgres",
                    "kind": "postgres",
                    "alive": bool(pid and pid_alive(pid)),
                    "url": self.database_url,
                    "log": str(self.cluster.log_path),
                }
            )
        for name, rec in self.processes.items():
            alive = bool(rec.get("pid")) and pid_alive(rec["pid"], rec.get("started"))
            rows.append({"name": name, "kind": rec["kind"], "alive": alive, "url": rec.get("url"), "log": rec["log"]})
        return rows

    def dead(self) -> list[str]:
        return [row["name"] for row in self.status() if not row["alive"]]

    # -- down ------------------------------------------------------------------
    def down(self, clean: bool = False) -> None:
        """Stop every process and the cluster; keep the data (keyset, database, logs) unless clean."""
        for tier in _STOP_TIERS:
            names = [n for n, rec in self.processes.items() if rec["kind"] in tier and rec.get("pgid")]
            stop_groups(
                [(self.processes[n]["pgid"], self.processes[n].get("started")) for n in names],
                popens=[self._popens[n] for n in names if n in self._popens],
            )
        pg_dir = self.state_dir / "pg"
        if self.cluster is None and clean and pg_dir.exists():
            self.cluster = PostgresCluster(pg_dir)  # no state left, but a cluster may still run on the folder
            self.cluster.home = self.cluster.locate_home()
        if self.cluster is not None:
            self.cluster.stop()
            if clean:
                self.cluster.remove()
        self.processes.clear()
        self._popens.clear()
        self.state_file.unlink(missing_ok=True)
        if clean:
            shutil.rmtree(self.state_dir, ignore_errors=True)
