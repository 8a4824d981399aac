"""A throwaway PostgreSQL cluster for the local stack and the tests.

    Usage::

        cluster = PostgresCluster(Path(".local/dev/pg"))
        cluster.start(free_port())   # -> 'postgresql+pg8000://postgres@127.0.0.1:54321/wellness'

Trust authentication, TCP on 127.0.0.1 only, no Unix socket (socket paths are
limited to ~100 characters and pytest's tmp paths are longer), fsync off: the data
is disposable. initdb and postgres refuse to run as root, so under root every
server command runs as the unprivileged `postgres` user.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import importlib.util
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from devstack.stack.procs import LOCALHOST, ServiceError, pid_alive

INSTALL_HINT = (
    "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found. Install them "
    "(Debian/Ubuntu: `apt-get install postgresql`; macOS: `brew install postgresql@15`) "
    "or `pip install pgserver`, or set DATABASE_URL to a database you already run."
)
# Durability is pointless for a disposable cluster and fsync is the slowest part of the tests.
SERVER_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"


def find_bindir() -> Path:
    """The folder holding initdb and pg_ctl: PATH, then Debian's layout, then the pgserver wheel."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True):
        if Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    spec = importlib.util.find_spec("pgserver")
    if spec and spec.origin:
        bundled = Path(spec.origin).parent / "pginstall" / "bin"
        if (bundled / "pg_ctl").exists():
            return bundled
    raise ServiceError(INSTALL_HINT)


class PostgresCluster:
    """One cluster in state_dir (initdb on first start), database `wellness`."""

    def __init__(self, state_dir: Path | str, database: str = "wellness", bindir: Path | None = None):
        self.state_dir = Path(state_dir).resolve()
        self.database = database
        self._bindir = bindir
        self.port: int | None = None
        self._user: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            try:
                self._user = pwd.getpwnam("postgres")
            except KeyError:
                raise ServiceError(
                    "running as root: PostgreSQL needs an unprivileged user to run as; "
                    "create one with `useradd --system --home /var/lib/postgresql postgres`"
                ) from None
        self.home = self.state_dir

    # -- paths ---------------------------------------------------------------
    @property
    def bindir(self) -> Path:
        if self._bindir is None:
            self._bindir = find_bindir()
        return self._bindir

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def log_path(self) -> Path:
        return self.home / "postgres.log"

    @property
    def url(self) -> str:
        if self.port is None:
            raise ServiceError("the cluster is not started")
        return f"postgresql+pg8000://postgres@{LOCALHOST}:{self.port}/{self.database}"

    # -- commands ------------------------------------------------------------
    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        if self._user is not None:
            env["HOME"] = str(self.home)
        result = subprocess.run(
            [*self._as_cluster_user(), str(self.bindir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            env=env,
            cwd=self.home,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
        if check and result.returncode != 0:
            raise ServiceError(f"{args[0]} failed ({result.returncode}): {result.stderr.strip()}", self.log_path)
        return result

    def _as_cluster_user(self) -> list[str]:
        """The prefix that runs a command as the cluster's unprivileged user (none when we are not root).

        setpriv rather than subprocess's user=/group=: with those CPython must fork() instead of
        vfork(), which runs the fork handlers of libraries loaded in this process, and gRPC's
        (a test process holds Pub/Sub and Firestore clients) once broke `pg_ctl stop` in its
        child ("epoll_wait error: Bad file descriptor"; CI, 2026-11-30).
        """
        if self._user is None:
            return []
        return ["setpriv", f"--reuid={self._user.pw_uid}", f"--regid={self._user.pw_gid}", "--clear-groups", "--"]

    def _prepare_home(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        if self._user is None:
            return
        os.chown(self.state_dir, self._user.pw_uid, self._user.pw_gid)
        probe = subprocess.run([*self._as_cluster_user(), "test", "-w", str(self.state_dir)])
        if probe.returncode != 0:
            self.home = self._fallback_home()
            self.home.mkdir(mode=0o700, exist_ok=True)
            os.chown(self.home, self._user.pw_uid, self._user.pw_gid)

    def _fallback_home(self) -> Path:
        # A parent folder is closed to other users (/root, pytest's 0700 tmp root), so the
        # cluster lives under the world-searchable temp dir, named after state_dir so the
        # next start finds the same data.
        digest = hashlib.sha256(str(self.state_dir).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"wellness-pg-{digest}"

    def locate_home(self) -> Path:
        """Where an existing cluster for state_dir keeps its files (without creating anything)."""
        fallback = self._fallback_home()
        return fallback if (fallback / "data").exists() else self.state_dir

    def init(self) -> bool:
        """initdb unless the data folder already holds a cluster; True when it created one."""
        self._prepare_home()
        if (self.data_dir / "PG_VERSION").exists():
            return False
        self._run(
            "initdb", "-D", str(self.data_dir), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"
        )
        return True

    def running_port(self) -> int | None:
        """The port of a postmaster already running on this data folder, if any."""
        try:
            lines = (self.data_dir / "postmaster.pid").read_text().splitlines()
        except OSError:
            return None
        if len(lines) >= 4 and lines[0].isdigit() and pid_alive(int(lines[0])):
            return int(lines[3])
        return None

    def start(self, port: int) -> str:
        """Start on port (adopting a postmaster left running on this folder), create the database; the URL."""
        self.init()
        running = self.running_port()
        if running is not None:
            self.port = running
        else:
            options = f"-p {port} -c listen_addresses={LOCALHOST} -c unix_socket_directories='' {SERVER_OPTIONS}"
            # pg_ctl forks the postmaster into its own session, so it outlives this process.
            self._run(
                "pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_path), "-o", options, "-w", "-t", "60", "start"
            )
            self.port = port
        self._create_database()
        return self.url

    def _create_database(self) -> None:
        import pg8000.native

        conn = pg8000.native.Connection("postgres", host=LOCALHOST, port=self.port, database="postgres")
        try:
            if not conn.run("SELECT 1 FROM pg_database WHERE datname = :name", name=self.database):
                conn.run(f'CREATE DATABASE "{self.database}"')
        finally:
            conn.close()

    def postmaster_pid(self) -> int | None:
        try:
            first = (self.data_dir / "postmaster.pid").read_text().splitlines()[0]
        except (OSError, IndexError):
            return None
        return int(first) if first.isdigit() else None

    def stop(self) -> None:
        """pg_ctl stop -m fast; the data stays for the next start."""
        pid = self.postmaster_pid()
        if pid is None or not pid_alive(pid):
            self.port = None
            return
        result = self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "30", "stop", check=False)
        if result.returncode != 0 and pid_alive(pid):
            # What pg_ctl -m fast does, without a child process: SIGINT is the postmaster's
            # fast shutdown (https://www.postgresql.org/docs/15/server-shutdown.html).
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGINT)
            deadline = time.monotonic() + 30
            while pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if pid_alive(pid):
                raise ServiceError(f"pg_ctl stop failed ({result.returncode}): {result.stderr.strip()}", self.log_path)
        self.port = None

    def remove(self) -> None:
        """Delete the cluster's files (stop it first)."""
        for folder in {self.home, self.state_dir}:
            shutil.rmtree(folder, ignore_errors=True)

    # -- state.json ----------------------------------------------------------
    def record(self) -> dict[str, Any]:
        return {
            "state_dir": str(self.state_dir),
            "home": str(self.home),
            "port": self.port,
            "database": self.database,
            "bindir": str(self.bindir),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> PostgresCluster:
        cluster = cls(record["state_dir"], database=record.get("database", "wellness"), bindir=Path(record["bindir"]))
        cluster.home = Path(record.get("home") or record["state_dir"])
        cluster.port = record.get("port")
        return cluster
