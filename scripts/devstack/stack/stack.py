"""The whole local stack: PostgreSQL, the emulators, every function, the gateway, the scheduler.

    Usage::

        stack = Stack(".local/dev", gateway_port=8080, domains=["auth"]).up()
        requests.get(stack.gateway_url + "/v1/auth/jwks").status_code   # -> 200
        stack.down()

Everything is started detached, so `scripts/dev up` can return, and written to
<state_dir>/state.json as it starts, so `down` (in another process, or after a
failed start) finds and stops exactly what was started.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from devstack.catalog import Catalog, load_catalog
from devstack.gateway.render import local_values, openapi_template, render_openapi
from devstack.stack.layout import (
    JWT_AUDIENCE,
    JWT_ISSUER,
    PROJECT,
    Layout,
    ensure_keyset,
    ensure_secret_file,
    function_env,
    smoke_key_file,
)
from devstack.stack.postgres import PostgresCluster
from devstack.stack.procs import (
    LOCALHOST,
    ServiceError,
    freeze_group,
    port_open,
    spawn,
    stop_groups,
    thaw_group,
    wait_for,
)
from devstack.stack.prometheus import INSTALL_HINT as PROMETHEUS_INSTALL_HINT
from devstack.stack.prometheus import Prometheus, prometheus_binary
from devstack.stack.pubsub_setup import setup_topology
from devstack.stack.services import Emulator, FunctionProcess, free_port, process_record
from devstack.stack.state import StackError, StackState

__all__ = ["Stack", "StackError", "StackState"]

READY_PATH = "/v1/auth/jwks"


class Stack(StackState):
    """Starts one local stack whose state lives in state_dir (see the module docstring)."""

    def __init__(
        self,
        state_dir: Path | str,
        gateway_port: int | None = None,
        domains: Sequence[str] | None = None,
        *,
        database_url: str | None = None,
        pubsub_host: str | None = None,
        firestore_host: str | None = None,
        layout: Layout | None = None,
        relay_interval: float | None = None,
        ready_timeout: float = 90.0,
        progress: Callable[[str], None] | None = None,
        console_port: int | None = None,
    ):
        super().__init__(state_dir)
        self.gateway_port = gateway_port
        self.console_port = console_port
        self.domains = list(domains or [])
        self.layout = layout or Layout()
        self.catalog = load_catalog(self.layout.functions_dir, self.layout.contracts_dir)
        self.database_url, self.pubsub_host, self.firestore_host = database_url, pubsub_host, firestore_host
        interval = relay_interval if relay_interval is not None else os.environ.get("RELAY_INTERVAL_SECONDS", "1")
        self.relay_interval = float(interval)
        self.ready_timeout = ready_timeout
        self.progress = progress or (lambda _line: None)
        self.env: dict[str, str] = {}
        self._postgres_port: int | None = None
        self._t0 = time.monotonic()

    # -- up ------------------------------------------------------------------
    def _step(self, label: str, since: float) -> None:
        now = time.monotonic()
        self.timings[label] = round(now - since, 2)
        self.progress(f"[{now - self._t0:5.1f}s] {label} ({now - since:.1f}s)")

    def _track(self, name: str, kind: str, popen: subprocess.Popen[bytes], log: Path, **extra: Any) -> None:
        self.processes[name] = process_record(popen.pid, log, kind=kind, **extra)
        self._popens[name] = popen
        self._save()

    def up(self) -> Stack:
        """Start everything and wait until the gateway answers; on failure stop it all and raise StackError."""
        self._t0 = time.monotonic()
        if self.state_file.exists():
            raise StackError(f"a stack is already recorded in {self.state_file}; stop it first (down)")
        self.gateway_port = self.gateway_port or free_port()
        if port_open(self.gateway_port):
            raise StackError(f"port {self.gateway_port} is taken; choose another gateway port (--port / GATEWAY_PORT)")
        (self.state_dir / "logs").mkdir(parents=True, exist_ok=True)
        for old in (self.state_dir / "logs").glob("*.log"):
            old.unlink()  # the logs are this stack's; a previous run's would read as this one's
        try:
            self._up()
        except BaseException as exc:  # noqa: BLE001 (Ctrl-C too: never leave half a stack running)
            details = exc.details() if isinstance(exc, ServiceError) else f"{type(exc).__name__}: {exc}"
            why = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
            self.progress(f"[{time.monotonic() - self._t0:5.1f}s] {why}, stopping what was started")
            self.down()
            if isinstance(exc, KeyboardInterrupt):
                raise
            raise StackError(details) from exc
        return self

    @classmethod
    def load(cls, state_dir: Path | str) -> Stack | None:
        """The running stack recorded in state_dir, with the environment its functions got."""
        stack = super().load(state_dir)
        keyset = Path(state_dir) / "jwt-keyset.json"
        if stack and stack.database_url and stack.pubsub_host and stack.firestore_host and keyset.exists():
            stack.env = stack.function_environment(keyset.read_text())
        return stack

    def function_environment(self, keyset_json: str) -> dict[str, str]:
        """What every function process of this stack gets (but FUNCTION_NAME)."""
        assert self.database_url and self.pubsub_host and self.firestore_host
        return function_env(
            None,
            database_url=self.database_url,
            pubsub_host=self.pubsub_host,
            firestore_host=self.firestore_host,
            keyset_json=keyset_json,
            state_dir=self.state_dir,
            pythonpath=self.layout.function_path,
            smtp_port=self.processes.get("mail-sink", {}).get("port"),
            reset_key=ensure_secret_file(self.state_dir / "password-reset-key"),
            otlp_port=self.processes.get("otlp-receiver", {}).get("port"),
        )

    @property
    def prometheus_url(self) -> str | None:
        """The local Prometheus' URL, or None when it is not installed (the stack runs without it)."""
        record = self.processes.get("prometheus")
        return str(record["url"]) if record else None

    @property
    def traces_file(self) -> Path:
        return self.state_dir / "traces.jsonl"

    @property
    def smoke_key_file(self) -> Path:
        """The stack's `smoke-key`, which its auth-verify-email reads (scripts/smoke --smoke-key-file)."""
        return smoke_key_file(self.state_dir)

    @property
    def mail_dir(self) -> Path:
        """Where the SMTP sink keeps what it received (one .eml per mail)."""
        return self.state_dir / "mail"

    def _up(self) -> None:
        t = time.monotonic()
        keyset, created = ensure_keyset(self.state_dir / "jwt-keyset.json")
        self._step("signing keyset " + ("created" if created else "reused"), t)
        # The emulators (Java, the slowest to boot) start first and boot while the rest starts.
        t_emulators = time.monotonic()
        emulators = []
        if not self.pubsub_host:
            pubsub = self._start_emulator("pubsub")
            self.pubsub_host = pubsub.host
            emulators.append(pubsub)
        if not self.firestore_host:
            firestore = self._start_emulator("firestore")
            self.firestore_host = firestore.host
            emulators.append(firestore)
        if not self.database_url:
            t = time.monotonic()
            self.cluster = PostgresCluster(self.state_dir / "pg")
            self.database_url = self.cluster.start(free_port())
            self._save()
            self._step(f"postgres on {LOCALHOST}:{self.cluster.port}", t)
        assert self.pubsub_host and self.firestore_host
        self._start_mail_sink()
        self._start_telemetry()
        self._start_console()
        self.env = self.function_environment(keyset)
        # Functions read nothing from the services at import, so they boot alongside migrations.
        t_functions = time.monotonic()
        functions = [self._start_function(fn.name) for fn in self.catalog.select(self.domains)]
        self._step(f"{len(functions)} functions spawned", t_functions)
        self._run_tool("migrate", self.layout.migrate_module)
        for emulator in emulators:
            emulator.wait_ready(self.ready_timeout)
            self._step(f"{emulator.kind} emulator on {emulator.host}", t_emulators)
        if self.layout.has_module(self.layout.seed_module):
            self._run_tool("seed", self.layout.seed_module)
        for fn in functions:
            fn.wait_ready(max(1.0, self.ready_timeout - (time.monotonic() - t_functions)))
        self._step(f"{len(functions)} functions listening", t_functions)
        t = time.monotonic()
        report = setup_topology(self.pubsub_host, PROJECT, self.catalog, self.urls)
        self._step(f"pub/sub topology: {report.summary()}", t)
        t = time.monotonic()
        self._start_gateway()
        self._start_scheduler()
        self._save()
        self._step(f"gateway ready at {self.gateway_url}", t)
        self._wait_console()
        self.timings["total"] = round(time.monotonic() - self._t0, 2)
        self._save()

    def _start_emulator(self, kind: str) -> Emulator:
        emulator = Emulator(kind, free_port(), PROJECT, self.log_path(f"{kind}-emulator"))
        emulator.start()
        assert emulator.popen is not None
        self._track(
            f"{kind}-emulator",
            kind,
            emulator.popen,
            emulator.log_path,
            port=emulator.port,
            url=f"http://{emulator.host}",
        )
        return emulator

    def _start_mail_sink(self) -> None:
        port, log = free_port(), self.log_path("mail-sink")
        cmd = [sys.executable, "-m", self.layout.mailsink_module, "--port", str(port), "--dir", str(self.mail_dir)]
        popen = spawn(cmd, log, env=self.layout.tool_env())
        self._track("mail-sink", "mailsink", popen, log, port=port, url=f"smtp://{LOCALHOST}:{port}")
        wait_for(lambda: port_open(port), self.ready_timeout, "the mail sink", popen, log)

    def _start_telemetry(self) -> None:
        """Prometheus (when installed) and the OTLP receiver the functions export to."""
        t = time.monotonic()
        prometheus: str | None = None
        if prometheus_binary() is None:
            self.progress(f"[{time.monotonic() - self._t0:5.1f}s] no prometheus: {PROMETHEUS_INSTALL_HINT}")
        else:
            prom = Prometheus(
                free_port(), self.state_dir / "prometheus", self.log_path("prometheus"), self._alert_rules()
            )
            popen = prom.start()
            self._track("prometheus", "prometheus", popen, prom.log_path, port=prom.port, url=prom.url)
            prom.wait_ready(self.ready_timeout)
            prometheus = prom.url
            self._step(f"prometheus on {prom.url}", t)
        port, log = free_port(), self.log_path("otlp-receiver")
        cmd = [sys.executable, "-m", self.layout.otlp_receiver_module, "--port", str(port)]
        cmd += ["--traces", str(self.traces_file)] + (["--prometheus", prometheus] if prometheus else [])
        popen = spawn(cmd, log, env=self.layout.tool_env())
        self._track("otlp-receiver", "otlp", popen, log, port=port, url=f"grpc://{LOCALHOST}:{port}")
        wait_for(lambda: port_open(port), self.ready_timeout, "the OTLP receiver", popen, log)

    def _alert_rules(self) -> tuple[Path, ...]:
        """The Terraform alerts as Prometheus rules, so the local /alerts page evaluates them too."""
        try:
            from devstack.observability import write_rule_file
        except ImportError:  # a test's stand-in layout may not carry the Terraform alerts
            return ()
        return (write_rule_file(self.state_dir / "prometheus" / "alerts.rules.yml"),)

    def _start_function(self, name: str) -> FunctionProcess:
        proc = FunctionProcess(
            name,
            free_port(),
            {**self.env, "FUNCTION_NAME": name},
            self.log_path(name),
            functions_dir=self.layout.functions_dir,
        )
        proc.start(wait=False)
        assert proc.popen is not None
        self.urls[name] = proc.url
        self._track(name, "function", proc.popen, proc.log_path, port=proc.port, url=proc.url)
        return proc

    def _run_tool(self, name: str, module: str) -> None:
        t = time.monotonic()
        log = self.log_path(name)
        env = self.layout.tool_env(function_env(name, **self._service_env()))
        with open(log, "ab") as fh:
            result = subprocess.run(
                [sys.executable, "-m", module],
                env=env,
                stdout=fh,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                timeout=max(60.0, self.ready_timeout),
            )
        if result.returncode != 0:
            raise ServiceError(f"python -m {module} failed with exit code {result.returncode}", log)
        self._step(f"{name} ({module})", t)

    def _service_env(self) -> dict[str, Any]:
        assert self.database_url and self.pubsub_host and self.firestore_host
        return {
            "database_url": self.database_url,
            "pubsub_host": self.pubsub_host,
            "firestore_host": self.firestore_host,
            "keyset_json": self.env["SECRET_JWT_SIGNING_KEYS"],
            "reset_key": self.env["SECRET_PASSWORD_RESET_KEY"],
            "state_dir": self.state_dir,
            "pythonpath": self.layout.tool_path,
        }

    def _start_gateway(self) -> None:
        self.gateway_url = f"http://{LOCALHOST}:{self.gateway_port}"
        assert self.gateway_port is not None
        popen = self.spawn_gateway("gateway", self.gateway_port, self.urls, self.catalog, self.layout.contracts_dir)
        # Without auth-jwks (e.g. `up profile`) its route is a dead backend: any answer means ready.
        strict = "auth-jwks" in self.urls
        wait_for(
            lambda: self._gateway_answers(strict), self.ready_timeout, "the gateway", popen, self.log_path("gateway")
        )

    def spawn_gateway(
        self, name: str, port: int, urls: dict[str, str], catalog: Catalog, contracts_dir: Path
    ) -> subprocess.Popen[bytes]:
        """A gateway process (tracked as `name`) serving contracts_dir's openapi.yaml, routed to urls."""
        rendered = self.state_dir / ("openapi.rendered.yaml" if name == "gateway" else f"openapi.{name}.rendered.yaml")
        values = local_values(catalog, urls, issuer=JWT_ISSUER, audience=JWT_AUDIENCE)
        rendered.write_text(render_openapi(openapi_template(contracts_dir), values))
        url, log = f"http://{LOCALHOST}:{port}", self.log_path(name)
        cmd = [sys.executable, "-m", self.layout.gateway_module, "--spec", str(rendered)]
        cmd += ["--host", LOCALHOST, "--port", str(port)]
        popen = spawn(cmd, log, env=self.layout.tool_env())
        self._track(name, "gateway", popen, log, port=port, url=url)
        return popen

    @property
    def console_url(self) -> str | None:
        """The developer console's URL (devstack.console), when this stack runs one."""
        record = self.processes.get("console")
        return str(record["url"]) if record else None

    def _start_console(self) -> None:
        """The developer console on console_port (a free port when that one is taken), 127.0.0.1 only.

        Spawned early so its imports overlap the rest of the start; it reads state.json per page.
        """
        if not self.layout.has_module(self.layout.console_module):
            return
        port = self.console_port or free_port()
        if port_open(port):
            port, taken = free_port(), port
            self.progress(f"[{time.monotonic() - self._t0:5.1f}s] port {taken} is taken; the console takes {port}")
        log = self.log_path("console")
        cmd = [sys.executable, "-m", self.layout.console_module, "--state-dir", str(self.state_dir)]
        cmd += ["--port", str(port), "--functions-dir", str(self.layout.functions_dir)]
        cmd += ["--contracts-dir", str(self.layout.contracts_dir)]
        popen = spawn(cmd, log, env=self.layout.tool_env())
        self._track("console", "console", popen, log, port=port, url=f"http://{LOCALHOST}:{port}")

    def _wait_console(self) -> None:
        if "console" not in self.processes:
            return
        t = time.monotonic()
        record, popen = self.processes["console"], self._popens["console"]
        wait_for(lambda: port_open(record["port"]), self.ready_timeout, "the console", popen, self.log_path("console"))
        self._step(f"console at {self.console_url}", t)

    def _gateway_answers(self, strict: bool) -> bool:
        for name, popen in self._popens.items():
            if self.processes[name]["kind"] == "function" and popen.poll() is not None:
                raise ServiceError(f"function {name} exited with code {popen.returncode}", self.log_path(name))
        try:
            with urllib.request.urlopen(f"{self.gateway_url}{READY_PATH}", timeout=2) as resp:  # noqa: S310 (local)
                return bool(resp.status == 200)
        except urllib.error.HTTPError:
            return not strict
        except OSError:
            return False

    def _start_scheduler(self) -> None:
        jobs = [self.urls[fn.name] for fn in self.catalog.select(self.domains) if fn.kind == "job"]
        if not jobs:
            return
        log = self.log_path("scheduler")
        cmd = [sys.executable, "-m", self.layout.scheduler_module, "--interval", str(self.relay_interval)]
        for url in jobs:
            cmd += ["--url", url]
        self._track("scheduler", "scheduler", spawn(cmd, log, env=self.layout.tool_env()), log)

    # -- faults (tests and benchmarks) ------------------------------------------
    # A stack can break only what it started itself: a service it was handed (a
    # DATABASE_URL, an emulator host) belongs to someone else.
    def _owned(self, name: str) -> dict[str, Any]:
        record = self.processes.get(name)
        if record is None or not record.get("pgid"):
            raise StackError(f"this stack did not start {name!r} (or it is stopped), so it cannot touch it")
        return record

    def freeze(self, name: str) -> None:
        """SIGSTOP the process group of `name` ("firestore-emulator", "pubsub-emulator", a function).

        A frozen service keeps its port and its open connections but answers
        nothing, as a hung server or a black-holed network does: its clients wait
        until their own deadlines. `thaw(name)` resumes it where it stopped.
        """
        freeze_group(self._owned(name)["pgid"])

    def thaw(self, name: str) -> None:
        """SIGCONT the process group of `name`, frozen by `freeze`."""
        thaw_group(self._owned(name)["pgid"])

    def stop_postgres(self) -> None:
        """Stop this stack's own PostgreSQL (pg_ctl -m fast: open connections are ended); the data stays."""
        if self.cluster is None or self.cluster.port is None:
            raise StackError("this stack did not start PostgreSQL (or it is stopped), so it cannot stop it")
        self._postgres_port = self.cluster.port
        self.cluster.stop()

    def start_postgres(self) -> None:
        """Start this stack's PostgreSQL again, on the port it had (the functions' DATABASE_URL still holds)."""
        if self.cluster is None:
            raise StackError("this stack did not start PostgreSQL")
        port = self.cluster.port or self._postgres_port
        if port is None:
            raise StackError("PostgreSQL has no port to come back on")
        self.cluster.start(port)

    # -- Pub/Sub outage (tests) --------------------------------------------------
    def stop_pubsub(self) -> None:
        """Stop this stack's own Pub/Sub emulator (not one it was handed)."""
        record = self.processes.get("pubsub-emulator")
        if record is None:
            raise StackError("this stack did not start the Pub/Sub emulator, so it cannot stop it")
        popen = self._popens.pop("pubsub-emulator", None)
        stop_groups([(record["pgid"], record.get("started"))], popens=[popen] if popen else [])
        record["pid"] = record["pgid"] = None
        self._save()

    def start_pubsub(self) -> None:
        """Start the Pub/Sub emulator again on the same port and recreate the topology (it keeps nothing)."""
        record = self.processes.get("pubsub-emulator")
        if record is None:
            raise StackError("this stack did not start the Pub/Sub emulator")
        emulator = Emulator("pubsub", record["port"], PROJECT, self.log_path("pubsub-emulator"))
        emulator.start()
        assert emulator.popen is not None
        self._track(
            "pubsub-emulator",
            "pubsub",
            emulator.popen,
            emulator.log_path,
            port=emulator.port,
            url=f"http://{emulator.host}",
        )
        emulator.wait_ready(self.ready_timeout)
        setup_topology(emulator.host, PROJECT, self.catalog, self.urls)
