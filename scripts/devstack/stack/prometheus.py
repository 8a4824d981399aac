"""A real Prometheus for the local stack: Debian's `prometheus` package, fed by remote write.

    Usage::

        prom = Prometheus(free_port(), state / "prometheus", state / "logs" / "prometheus.log")
        prom.start(); prom.wait_ready(30); prom.url   # -> 'http://127.0.0.1:40123'

It runs with `--web.enable-remote-write-receiver` (the stack's OTLP receiver writes to
`/api/v1/write`), its data under the stack's state folder, and, when given, the alert
rules generated from Terraform (`devstack.observability`), so `/alerts` shows locally
what would page in the cloud. Debian 12's package is 2.42: remote write in, no OTLP.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from devstack.stack.procs import LOCALHOST, ServiceError, spawn, wait_for

INSTALL_HINT = "install Debian's Prometheus for local metrics: apt-get install prometheus (scripts/dev down, then up)"


def prometheus_binary() -> str | None:
    return shutil.which("prometheus")


def promtool_binary() -> str | None:
    return shutil.which("promtool")


class Prometheus:
    def __init__(self, port: int, data_dir: Path, log_path: Path, rule_files: tuple[Path, ...] = ()):
        self.port = port
        self.data_dir = Path(data_dir)
        self.log_path = Path(log_path)
        self.rule_files = rule_files
        self.popen: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{LOCALHOST}:{self.port}"

    def write_config(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self.data_dir / "prometheus.yml"
        # JSON is YAML: no scrape jobs (everything arrives by remote write), the alert rules if any.
        body: dict[str, Any] = {"global": {"evaluation_interval": "15s"}}
        if self.rule_files:
            body["rule_files"] = [str(path) for path in self.rule_files]
        config.write_text(json.dumps(body, indent=2))
        return config

    def command(self) -> list[str]:
        binary = prometheus_binary()
        if binary is None:
            raise ServiceError(f"prometheus is not installed: {INSTALL_HINT}")
        return [
            binary,
            f"--config.file={self.write_config()}",
            f"--storage.tsdb.path={self.data_dir / 'data'}",
            "--storage.tsdb.retention.time=2d",
            f"--web.listen-address={LOCALHOST}:{self.port}",
            "--web.enable-remote-write-receiver",
            "--web.enable-lifecycle",
        ]

    def start(self) -> subprocess.Popen[bytes]:
        self.popen = spawn(self.command(), self.log_path)
        return self.popen

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/-/ready", timeout=1) as response:  # noqa: S310 (local URL)
                return bool(response.status == 200)
        except OSError:
            return False

    def wait_ready(self, timeout: float = 30.0) -> None:
        wait_for(self.ready, timeout, "prometheus", self.popen, self.log_path)


def query(base_url: str, promql: str, timeout: float = 5.0) -> dict[str, Any]:
    """GET /api/v1/query: the parsed answer, or a ValueError carrying Prometheus' own error (a bad query)."""
    url = f"{base_url.rstrip('/')}/api/v1/query?{urllib.parse.urlencode({'query': promql})}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (local URL)
            answer: dict[str, Any] = json.load(response)
    except urllib.error.HTTPError as exc:
        answer = json.loads(exc.read() or b"{}")
        raise ValueError(f"{answer.get('errorType')}: {answer.get('error')} in {promql!r}") from None
    return answer
