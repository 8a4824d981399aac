"""Process-group plumbing shared by every local service runner.

Each service runs in its own session (start_new_session=True), so its pid is also
its process-group id and a whole tree (the gcloud wrapper and its Java child, the
gunicorn master and its worker) is stopped with one killpg. The records written
to state.json carry the process start time as well (psutil's create_time), so a later
`down` never signals an unrelated process that happens to have reused a pid.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

import psutil

T = TypeVar("T")

LOCALHOST = "127.0.0.1"


_handed_out: set[int] = set()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now, never the same one twice.

    Ports are picked before the services that bind them start, so without the memory
    two of them could be handed the port the kernel offered first.
    """
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((LOCALHOST, 0))
            port = int(sock.getsockname()[1])
        if port not in _handed_out:
            _handed_out.add(port)
            return port
    raise RuntimeError("no fresh free port after 50 tries")


def port_open(port: int, host: str = LOCALHOST, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def start_time(pid: int) -> float | None:
    """When the process started (seconds since the epoch), or None when there is no such process."""
    try:
        return float(psutil.Process(pid).create_time())
    except psutil.Error:
        return None


def _live(process: psutil.Process) -> bool:
    status = str(process.status())
    if status == psutil.STATUS_ZOMBIE:
        # A JVM whose main thread has exited shows as a zombie while its other threads
        # (the server's among them) still run and hold its port: dead only when alone.
        try:
            return int(process.num_threads()) > 1
        except psutil.Error:
            return False
    return bool(status != psutil.STATUS_DEAD)


def pid_alive(pid: int, started: float | None = None) -> bool:
    """True when pid runs (zombies count as dead) and, if `started` is given, is the process we started."""
    try:
        process = psutil.Process(pid)
        return _live(process) and (started is None or process.create_time() == started)
    except psutil.Error:
        return False


def _group_of(process: psutil.Process) -> int | None:
    try:
        return os.getpgid(process.pid) if _live(process) else None
    except (OSError, psutil.Error):
        return None


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes in a process group.

    Zombies are left out on purpose: in containers whose PID 1 never reaps, a dead
    child can stay a zombie forever, and it holds no port or memory.
    """
    return [p.pid for p in psutil.process_iter() if _group_of(p) == pgid]


def live_groups(pgids: Iterable[int]) -> set[int]:
    """Which of these process groups still have a live member (one pass over the processes for all)."""
    wanted = set(pgids)
    return {group for p in psutil.process_iter() if (group := _group_of(p)) in wanted}


def stop_groups(
    groups: Sequence[tuple[int, float | None]],
    grace: float = 5.0,
    popens: Sequence[subprocess.Popen[bytes]] = (),
    first_signal: signal.Signals = signal.SIGTERM,
) -> None:
    """Stop several process groups at once: first_signal to all, SIGKILL what is left after `grace` s.

    groups holds (pgid, start time of the leader or None). A leader that runs with
    another start time is a new process that reused the pid: it is left alone.
    """
    targets = [pgid for pgid, started in groups if not (pid_alive(pgid) and not pid_alive(pgid, started))]
    for sig, wait in ((first_signal, grace), (signal.SIGKILL, 3.0)):
        live = live_groups(targets)
        targets = [pgid for pgid in targets if pgid in live]
        if not targets:
            break
        for pgid in targets:
            try:
                os.killpg(pgid, sig)
                os.killpg(pgid, signal.SIGCONT)  # a frozen (SIGSTOPped) group handles SIGTERM only once resumed
            except (ProcessLookupError, PermissionError):
                pass
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            for popen in popens:
                popen.poll()  # reap our own children so they do not linger as zombies
            if not live_groups(targets):
                break
            time.sleep(0.05)
    for popen in popens:
        try:
            popen.wait(timeout=1)
        except subprocess.TimeoutExpired:
            pass


def stop_group(
    pgid: int,
    grace: float = 5.0,
    popen: subprocess.Popen[bytes] | None = None,
    first_signal: signal.Signals = signal.SIGTERM,
) -> None:
    """first_signal (SIGTERM) to the whole group, then SIGKILL whatever is left after `grace` seconds."""
    stop_groups([(pgid, None)], grace, [popen] if popen else [], first_signal)


def freeze_group(pgid: int) -> None:
    """SIGSTOP a whole process group: it keeps its sockets open and answers nothing (a hung server)."""
    os.killpg(pgid, signal.SIGSTOP)


def thaw_group(pgid: int) -> None:
    """SIGCONT a group stopped by freeze_group: it carries on where it stopped."""
    os.killpg(pgid, signal.SIGCONT)


def spawn(
    cmd: Sequence[str],
    log_path: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.Popen[bytes]:
    """Start cmd detached in its own session, stdout and stderr appended to log_path."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            list(cmd),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=str(cwd) if cwd else None,
            start_new_session=True,
        )


def wait_for(
    check: Callable[[], T | None],
    timeout: float,
    what: str,
    popen: subprocess.Popen[bytes] | None = None,
    log_path: Path | None = None,
) -> T:
    """Poll check() until it returns a truthy value; fail early if popen exits first."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if popen is not None and popen.poll() is not None:
            raise ServiceError(f"{what} exited with code {popen.returncode} before it was ready", log_path)
        if time.monotonic() > deadline:
            raise ServiceError(f"{what} was not ready after {timeout:.0f} s", log_path)
        time.sleep(0.1)


def tail(path: Path | None, lines: int = 30) -> str:
    if path is None or not path.exists():
        return ""
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        fh.seek(max(0, fh.tell() - 64 * 1024))
        text = fh.read().decode("utf-8", "replace")
    return "\n".join(text.splitlines()[-lines:])


class ServiceError(RuntimeError):
    """A service failed to start or stop; log_path points at what it printed."""

    def __init__(self, message: str, log_path: Path | None = None):
        super().__init__(message)
        self.log_path = log_path

    def details(self, lines: int = 30) -> str:
        text = tail(self.log_path, lines)
        return f"{self}\n--- last lines of {self.log_path} ---\n{text}" if text else str(self)


# -- the main of a local service (gateway, console, mail sink, OTLP receiver) ---------------------


def until_stopped(announce: str) -> None:
    """Print `announce` (the line its runner waits for) and block until SIGTERM or SIGINT.

    The handlers go in first, so a `scripts/dev down` right after the line still stops it
    cleanly; the wait is timed because Python runs signal handlers on the main thread only.
    """
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    print(announce, flush=True)
    while not stop.wait(0.5):
        pass


class _Serving(Protocol):
    def serve_forever(self, poll_interval: float = ...) -> None: ...
    def shutdown(self) -> None: ...
    def server_close(self) -> None: ...


def serve_until_stopped(server: _Serving, name: str, announce: str) -> None:
    """Serve on a thread until SIGTERM or SIGINT, then shut down and close the socket.

    Off the main thread because shutdown() called from the thread that serves would deadlock.
    """
    serving = threading.Thread(target=server.serve_forever, args=(0.1,), name=name, daemon=True)
    serving.start()
    try:
        until_stopped(announce)
    finally:
        server.shutdown()
        server.server_close()
        serving.join()
