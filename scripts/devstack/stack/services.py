"""Runners for the local services: PostgreSQL, the gcloud emulators, one function each.

    Usage::

        pg = PostgresCluster(tmp / "pg"); url = pg.start(free_port())
        ps = Emulator("pubsub", free_port(), "wellness-local", tmp / "ps.log")
        ps.start(); ps.wait_ready(60); os.environ["PUBSUB_EMULATOR_HOST"] = ps.host

Every long-running process is started in its own session and stopped by process
group: stopping only the gcloud wrapper would leave the emulator's Java child
running and holding its port.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from devstack.catalog import REPO_ROOT
from devstack.stack.java import LAUNCHER_JAVA_ENV, java_version, launcher_java, required_java
from devstack.stack.postgres import PostgresCluster, find_bindir
from devstack.stack.procs import LOCALHOST, ServiceError, free_port, port_open, spawn, start_time, stop_group, wait_for

__all__ = [
    "EMULATOR_INSTALL_HINT",
    "Emulator",
    "FunctionProcess",
    "PostgresCluster",
    "ServiceError",
    "emulators_available",
    "find_bindir",
    "free_port",
    "functions_framework_bin",
]

EMULATOR_INSTALL_HINT = (
    "the gcloud Pub/Sub and Firestore emulators are needed: install the Google Cloud CLI, then "
    "`gcloud components install pubsub-emulator cloud-firestore-emulator beta` "
    "(or, where gcloud came from apt: `apt-get install google-cloud-cli-pubsub-emulator "
    "google-cloud-cli-firestore-emulator`), and a Java runtime as new as they need (Java 21 for "
    "current releases: `apt-get install openjdk-21-jre-headless`, first on PATH)"
)
_EMULATOR_DIRS = {"pubsub": "pubsub-emulator", "firestore": "cloud-firestore-emulator"}


def _sdk_root() -> Path | None:
    gcloud = shutil.which("gcloud")
    return Path(gcloud).resolve().parent.parent if gcloud else None


def emulators_available() -> tuple[bool, str]:
    """Whether both emulators can start here, and if not, what to install."""
    root = _sdk_root()
    if root is None:
        return False, "gcloud is not on PATH; " + EMULATOR_INSTALL_HINT
    missing = [name for name in _EMULATOR_DIRS.values() if not (root / "platform" / name).is_dir()]
    if missing:
        return False, f"missing gcloud component(s) {', '.join(missing)}; " + EMULATOR_INSTALL_HINT
    for component in _EMULATOR_DIRS.values():
        problem = _java_problem(component, root / "platform" / component)
        if problem:
            return False, problem
    return True, "ok"


def _java_problem(component: str, component_dir: Path) -> str | None:
    """Why the Java the component's launcher would start cannot run it, or None."""
    java = launcher_java(component)
    if java is None:
        return "java is not on PATH; " + EMULATOR_INSTALL_HINT
    need, jar = required_java(component_dir)
    have = java_version(java)
    if have is None:
        return f"`{java} -version` names no Java release; " + EMULATOR_INSTALL_HINT
    if have < need:
        chooser = LAUNCHER_JAVA_ENV[component]
        how = f"point {chooser} at it" if os.environ.get(chooser) else "put it first on PATH"
        return (
            f"the {component} needs Java {need}+ ({jar.name if jar else 'its jar'} holds class files for Java {need}) "
            f"but would run on Java {have} ({java}): install Java {need} "
            f"(`apt-get install openjdk-{need}-jre-headless`) and {how}"
        )
    return None


def _rest(method: str, url: str, body: dict[str, Any] | None, timeout: float) -> dict[str, Any]:
    """One JSON call to an emulator's REST API on loopback; its answer (empty: {})."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 (local URL)
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310 (local URL)
        answer: dict[str, Any] = json.loads(resp.read() or b"{}")
        return answer


class Emulator:
    """`gcloud … emulators KIND start` on 127.0.0.1:port, in its own process group."""

    def __init__(self, kind: str, port: int, project: str, log_path: Path | str):
        if kind not in _EMULATOR_DIRS:
            raise ValueError(f"kind must be one of {sorted(_EMULATOR_DIRS)}, not {kind!r}")
        self.kind = kind
        self.port = port
        self.project = project
        self.log_path = Path(log_path)
        self.popen: subprocess.Popen[bytes] | None = None
        self.pid: int | None = None

    @property
    def host(self) -> str:
        return f"{LOCALHOST}:{self.port}"

    def command(self) -> list[str]:
        host_port = f"--host-port={self.host}"
        if self.kind == "pubsub":
            return ["gcloud", "beta", "emulators", "pubsub", "start", host_port, f"--project={self.project}"]
        return ["gcloud", "emulators", "firestore", "start", host_port]

    def start(self) -> None:
        ok, reason = emulators_available()
        if not ok:
            raise ServiceError(reason)
        if port_open(self.port):
            raise ServiceError(f"port {self.port} is already taken; the {self.kind} emulator cannot start there")
        # No prompts and no update check: either would stall or slow a detached start.
        env = {
            **os.environ,
            "CLOUDSDK_CORE_DISABLE_PROMPTS": "1",
            "CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK": "1",
        }
        self.popen = spawn(self.command(), self.log_path, env=env)
        self.pid = self.popen.pid

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://{self.host}/", timeout=1) as resp:  # noqa: S310 (local URL)
                return bool(resp.status == 200 and resp.read().strip() == b"Ok")
        except OSError:
            return False

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Until it answers; then until it has run a first transaction (Firestore) or publishes (Pub/Sub)."""
        wait_for(self.answers, timeout, f"the {self.kind} emulator", self.popen, self.log_path)
        if self.kind == "firestore":
            self.warm_up(timeout)
        else:
            self.warm_up_publish(timeout)

    def warm_up_publish(self, timeout: float = 60.0, publishes: int = 20) -> None:
        """Publishes through the REST API to a topic of its own, then deletes it.

        The functions publish over REST (wellness.platform.pubsub); a fresh emulator answers its
        first REST publishes in 0.2-0.7 s (seen here at load 30; then ~20-50 ms), past the
        prompt publish's 0.5 s, which would leave a first sign-up's event to the relay.
        """
        topic = f"http://{self.host}/v1/projects/{self.project}/topics/emulator-warm-up"
        try:
            _rest("PUT", topic, {}, timeout)
            for _ in range(publishes):
                _rest("POST", f"{topic}:publish", {"messages": [{"data": "e30="}]}, timeout)
            _rest("DELETE", topic, None, timeout)
        except OSError as exc:
            raise ServiceError(f"the pubsub emulator did not publish: {exc}", self.log_path) from exc

    def warm_up(self, timeout: float = 60.0) -> None:
        """One transaction through the REST API, so the first real one does not pay the JVM's warm-up.

        A fresh Firestore emulator answers its first transaction after seconds (seen
        here on a loaded machine: 9.5 s to begin, 4.7 s to commit; then ~0.1 s), longer
        than the functions' store deadline would wait.
        """
        base = f"http://{self.host}/v1/projects/{self.project}/databases/(default)/documents"
        try:
            transaction = _rest("POST", base + ":beginTransaction", {}, timeout)["transaction"]
            _rest("POST", base + ":commit", {"transaction": transaction}, timeout)  # no writes: leaves nothing
        except (OSError, KeyError, ValueError) as exc:
            raise ServiceError(f"the firestore emulator did not run a first transaction: {exc}", self.log_path) from exc

    def stop(self) -> None:
        if self.pid is not None:
            stop_group(self.pid, popen=self.popen)
        self.popen = None
        self.pid = None

    def record(self) -> dict[str, Any]:
        return process_record(self.pid, self.log_path, port=self.port, url=f"http://{self.host}", kind=self.kind)


def functions_framework_bin() -> Path:
    """functions-framework from the virtualenv running this code, else from PATH."""
    # sys.executable is not resolved on purpose: a venv's python is a symlink out of the venv.
    beside = Path(sys.executable).parent / "functions-framework"
    if beside.exists():
        return beside
    found = shutil.which("functions-framework")
    if found:
        return Path(found)
    raise ServiceError(
        "functions-framework is not installed: run scripts/dev (it builds .venv) or "
        "`pip install -r requirements-dev.txt`"
    )


class FunctionProcess:
    """One function under functions-framework, as Cloud Run would run its container."""

    def __init__(
        self,
        name: str,
        port: int,
        env: Mapping[str, str],
        log_path: Path | str,
        functions_dir: Path = REPO_ROOT / "functions",
    ):
        self.name = name
        self.port = port
        self.env = dict(env)
        self.log_path = Path(log_path)
        self.source = functions_dir / name / "main.py"
        self.popen: subprocess.Popen[bytes] | None = None
        self.pid: int | None = None

    @property
    def url(self) -> str:
        return f"http://{LOCALHOST}:{self.port}"

    def command(self) -> list[str]:
        return [
            str(functions_framework_bin()),
            "--target=handler",
            f"--source={self.source}",
            f"--host={LOCALHOST}",
            f"--port={self.port}",
            "--signature-type=http",
        ]

    def start(self, wait: bool = True, timeout: float = 60.0) -> None:
        """Spawn it and wait until its port accepts connections (wait=False: spawn only, so many
        functions boot side by side; call wait_ready() later)."""
        if not self.source.exists():
            raise ServiceError(f"{self.source} does not exist")
        env = {**os.environ, **self.env, "PORT": str(self.port), "K_SERVICE": self.name}
        # Cloud Run runs the function from its own folder; relative paths behave the same here.
        self.popen = spawn(self.command(), self.log_path, env=env, cwd=self.source.parent)
        self.pid = self.popen.pid
        if wait:
            self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 60.0) -> None:
        wait_for(lambda: port_open(self.port), timeout, f"function {self.name}", self.popen, self.log_path)

    def stop(self) -> None:
        if self.pid is not None:
            stop_group(self.pid, popen=self.popen)
        self.popen = None
        self.pid = None

    def record(self) -> dict[str, Any]:
        return process_record(self.pid, self.log_path, port=self.port, url=self.url, kind="function")


def process_record(pid: int | None, log_path: Path, **extra: Any) -> dict[str, Any]:
    """What state.json keeps about a process: enough to find, check and stop it later."""
    started = start_time(pid) if pid else None
    return {"pid": pid, "pgid": pid, "started": started, "log": str(log_path), **extra}
