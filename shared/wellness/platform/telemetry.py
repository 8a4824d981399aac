"""Getting traces and metrics out of a serverless instance: OTLP/gRPC, bounded, fork- and exit-safe.

One export path everywhere: OTLP over gRPC to `settings.otlp_endpoint`, which is
Google's Telemetry API (`telemetry.googleapis.com:443`, TLS with Application Default
Credentials: traces land in Cloud Trace, metrics in Managed Service for Prometheus)
in the cloud, and the local stack's receiver (`http://127.0.0.1:PORT`, plaintext)
on a laptop. `tracing` and `metrics` register what they have to send here; one
background thread sends it, so a request never does the network work itself.

Cloud Run throttles an instance's CPU once the answer is sent, so whatever must
leave is sent *before* answering: `flush()` waits for the thread at most
`settings.telemetry_flush_seconds` (≈1 s), whatever the exporter does (SDK 1.45's
`force_flush` ignores its own timeout, and a retrying exporter can take minutes).
While an export is stuck past that bound, and for 30 s after a round that overran it,
flushes do not wait at all (the thread keeps trying): a hung collector costs one
request one second, not every request a second. What was not sent stays buffered
(bounded) for the next round. The exporters are built (gRPC imported, channel
opened) by the thread, in the process that serves: right after gunicorn forks its
worker, or on the first flush.

Metrics go at most every `settings.metrics_interval_seconds` (15 s; Google rejects a
stream written more often than every 5-10 s), in the flush of the first request
after that (the only time a throttled instance has CPU) or from the thread when it
has CPU anyway, and once more when the process exits (Cloud Run sends SIGTERM and
gunicorn's graceful exit runs `atexit` handlers).

    >>> register(lambda final: None)   # what tracing and metrics do in their configure()
    >>> flush()                        # before answering, while the CPU is still allocated
    True
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grpc import ChannelCredentials
    from opentelemetry.sdk.resources import Resource

    from .config import Settings

log = logging.getLogger(__name__)

# A task sends what its signal has pending; final=True on the last round before exit.
Task = Callable[[bool], None]

DEFAULT_FLUSH_SECONDS = 1.0
EXIT_BUDGET_SECONDS = 8.0  # Cloud Run allows 10 s after SIGTERM
SLOW_BACKOFF_SECONDS = 30.0  # after a round overran the bound, answers do not wait this long
INSTANCE_ID = uuid.uuid4().hex  # service.instance.id when the platform does not name the instance


class _Exporter:
    """The one background thread that runs every registered task, and the bounded wait on it."""

    def __init__(self) -> None:
        self._tasks: list[Task] = []
        self._prepares: list[Callable[[], object]] = []
        self._cond = threading.Condition()
        self._requested = 0
        self._completed = 0
        self._final = False
        self._stuck = False  # a flush gave up waiting on the round now running
        self._slow_until = 0.0  # until then flushes do not wait: the last rounds overran the bound
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._pid = 0
        self.tick_seconds = 15.0
        self.flush_seconds = DEFAULT_FLUSH_SECONDS

    def register(self, task: Task, prepare: Callable[[], object] | None = None) -> None:
        with self._cond:
            self._tasks.append(task)
            if prepare is not None:
                self._prepares.append(prepare)

    @property
    def started_here(self) -> bool:
        return self._pid == os.getpid() and self._thread is not None

    def _ensure_thread(self, prepare: bool = False) -> None:
        with self._start_lock:
            # Threads do not survive fork: gunicorn imports main.py in its arbiter and forks the worker.
            if self._pid != os.getpid():
                self._pid = os.getpid()
                self._cond = threading.Condition()  # the parent's may have been held by its thread at fork
                self._requested = self._completed = 0
                self._stuck, self._slow_until, self._thread = False, 0.0, None
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, args=(prepare,), name="wellness-telemetry", daemon=True
                )
                self._thread.start()

    def prepare(self) -> None:
        """Start the thread and build the exporters now (imports, channels), without exporting."""
        if self._tasks:
            self._ensure_thread(prepare=True)

    def flush(self, timeout: float | None = None, *, final: bool = False) -> bool:
        """Run every task now; True when they finished within timeout (default: the flush bound)."""
        if not self._tasks:
            return True
        self._ensure_thread()
        with self._cond:
            self._requested += 1
            self._final = self._final or final
            target = self._requested
            self._cond.notify_all()
            if self._stuck or (time.monotonic() < self._slow_until and not final):
                return False  # the exporter is hanging or slow: this answer does not wait for it
            done = self._cond.wait_for(
                lambda: self._completed >= target, self.flush_seconds if timeout is None else timeout
            )
            if not done:
                self._stuck = True
            return done

    def _run(self, prepare: bool) -> None:
        if prepare:
            for build in list(self._prepares):
                self._safely(_ignoring_final(build), False)
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._requested > self._completed, timeout=self.tick_seconds)
                target, final, tasks = self._requested, self._final, list(self._tasks)
            started = time.monotonic()
            for task in tasks:
                self._safely(task, final)
            with self._cond:
                self._completed = max(self._completed, target)
                overran = self._stuck or time.monotonic() - started > self.flush_seconds
                # After a slow round, answers stop waiting for a while; the thread keeps trying.
                self._slow_until = time.monotonic() + SLOW_BACKOFF_SECONDS if overran else 0.0
                self._stuck = False
                self._cond.notify_all()

    @staticmethod
    def _safely(step: Task, final: bool) -> None:
        try:
            step(final)
        except Exception:  # noqa: BLE001 - telemetry never takes the function down
            log.warning("telemetry export failed", exc_info=True)


def _ignoring_final(build: Callable[[], object]) -> Task:
    def step(final: bool) -> None:
        build()

    return step


_exporter = _Exporter()


def register(task: Task, prepare: Callable[[], object] | None = None) -> None:
    """Have `task(final)` run on every flush and every tick of the background thread.

    `prepare()` builds what the task needs (exporter, channel) ahead of the first flush.
    """
    _exporter.register(task, prepare)


def set_timing(*, flush_seconds: float, tick_seconds: float) -> None:
    """The flush bound and how often the thread wakes by itself (the metrics interval)."""
    _exporter.flush_seconds = flush_seconds
    _exporter.tick_seconds = tick_seconds


def flush(timeout: float | None = None) -> bool:
    """Send what is pending, waiting at most the flush bound; True when everything left in time.

    >>> flush(0.5)
    True
    """
    return _exporter.flush(timeout)


def _at_exit() -> None:
    # Only where telemetry ran: gunicorn's arbiter configured it too but never served, and a
    # final write from it would be a second stream under the worker's instance id.
    if _exporter.started_here:
        _exporter.flush(EXIT_BUDGET_SECONDS, final=True)


def _after_fork() -> None:
    # The worker gunicorn just forked builds its exporters while it waits for its first request.
    _exporter.prepare()


atexit.register(_at_exit)
os.register_at_fork(after_in_child=_after_fork)


@functools.cache
def resource(settings: Settings) -> Resource:
    """Who is speaking: the function, this instance, the project, and in the cloud where it runs.

    The Telemetry API needs `gcp.project_id`; Managed Service for Prometheus needs a
    `location` (cloud.region, from the GCP resource detector on Cloud Run) and a
    non-empty instance (service.instance.id, unique per instance). Cached: traces and
    metrics share one (and one visit to the metadata server).
    """
    from opentelemetry.sdk.resources import Resource

    attributes: dict[str, Any] = {
        "service.name": settings.function_name,
        "service.instance.id": INSTANCE_ID,
        "gcp.project_id": settings.project_id,
        "deployment.environment.name": settings.environment,
    }
    detected = Resource.get_empty()
    if settings.environment in ("qa", "prod"):
        # Asks the metadata server (a few ms on Cloud Run): faas.name, faas.instance, cloud.region.
        from opentelemetry.resourcedetector.gcp_resource_detector import GoogleCloudResourceDetector

        try:
            detected = GoogleCloudResourceDetector().detect()
        except Exception:  # noqa: BLE001 - no region: points are refused, requests are not
            log.warning("GCP resource detection failed", exc_info=True)
        instance = detected.attributes.get("faas.instance")
        if instance:
            attributes["service.instance.id"] = str(instance)
    return detected.merge(Resource.create(attributes))


def otlp_target(settings: Settings) -> tuple[str, ChannelCredentials | None]:
    """(host:port, credentials): plaintext for an http:// endpoint, else TLS with ADC on every call."""
    endpoint = settings.otlp_endpoint
    if endpoint.startswith("http://"):
        return endpoint.removeprefix("http://").rstrip("/"), None
    import google.auth
    import google.auth.transport.grpc
    import google.auth.transport.requests
    import grpc

    credentials, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    plugin = google.auth.transport.grpc.AuthMetadataPlugin(  # type: ignore[no-untyped-call]
        credentials, google.auth.transport.requests.Request()
    )
    channel = grpc.composite_channel_credentials(grpc.ssl_channel_credentials(), grpc.metadata_call_credentials(plugin))
    return endpoint.removeprefix("https://").rstrip("/"), channel


def quiet_sdk_logs() -> None:
    """The OTLP exporter logs every failed export at ERROR with a traceback; `_run` reports once per round."""
    logging.getLogger("opentelemetry.exporter.otlp.proto.grpc.exporter").setLevel(logging.CRITICAL)


class ExportClock:
    """When a signal may next be exported (metrics: not more often than every interval)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.last = -float("inf")

    def due(self, now: float | None = None) -> bool:
        return (time.monotonic() if now is None else now) - self.last >= self.interval

    def mark(self) -> None:
        self.last = time.monotonic()

    def wait_gap(self, gap: float, budget: float) -> None:
        """Sleep until `gap` s since the last export (at most `budget` s): the final write must not be too early."""
        remaining = gap - (time.monotonic() - self.last)
        if remaining > 0:
            time.sleep(min(remaining, budget))


def _reset_for_tests() -> None:
    """Forget every task and thread (tests configure tracing and metrics many times).

    >>> _reset_for_tests()
    """
    global _exporter
    _exporter = _Exporter()
