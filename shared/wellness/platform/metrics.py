"""Metrics, with OpenTelemetry's semantic-convention names, exported over OTLP like the traces.

`configure(settings)` builds a MeterProvider whose reader `telemetry` drives: at most
every `settings.metrics_interval_seconds` (15 s) per instance, plus once at exit.
Until it runs (unit tests, a function with METRICS_EXPORTER=none) every recording
function below is a cheap no-op. The platform records what every function has in
common; a domain calls `throttled(...)` (or adds a function here), never the SDK.

- `http.server.request.duration` (s, histogram; `http.request.method`, `http.route`,
  `http.response.status_code`, `error.type`): `@endpoint`, `@job`
- `faas.coldstarts` (counter) and `faas.init_duration` (s, histogram; `faas.trigger`):
  the first invocation of an instance; init is process start to handler ready
- `messaging.process.duration` (s, histogram; `messaging.system`,
  `messaging.destination.name`, `messaging.consumer.group.name`, `wellness.outcome`:
  applied, duplicate, dropped, rejected, retried): `@subscriber`
- `wellness.event.lag` (s, histogram; destination, consumer group): `@subscriber`,
  handled − the event's `occurredAt`
- `messaging.client.sent.messages` (counter; `messaging.destination.name`, `error.type`
  on failures): the Pub/Sub publisher
- `wellness.outbox.pending`, `wellness.outbox.oldest_age` (s) (gauges; `wellness.store`):
  the outbox relay
- `wellness.throttle.rejections` (counter; `wellness.throttle.name`): domains
- `db.client.connection.count` (`db.client.connection.state`: used, idle) and
  `db.client.connection.max` (observed; `db.client.connection.pool.name`): the Postgres pool

Attributes are low-cardinality by rule: routes are templates (`/v1/programs/{programId}`),
never user ids, event ids or paths with ids in them.

    >>> http_request("GET", "/v1/programs", 200, 0.012)   # a no-op until configure() has run
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from opentelemetry import metrics as metrics_api

if TYPE_CHECKING:
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import MetricExporter, MetricReader
    from sqlalchemy.pool import Pool

    from .config import Settings

INSTRUMENTATION_NAME = "wellness"
# Semantic conventions' advice for http.server.request.duration, in seconds.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0)
LAG_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0, 3600.0)
INIT_BUCKETS = (0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0)
PUBSUB = "gcp_pubsub"
MIN_EXIT_GAP_SECONDS = 5.0  # Google refuses points of one stream written closer together

_lock = threading.Lock()
_provider: MeterProvider | None = None
_instruments: _Instruments | None = None
_init_started = time.time()  # replaced by the process's start time where /proc tells it
_init_finished: float | None = None
_cold = True


class _Instruments:
    def __init__(self, meter: metrics_api.Meter):
        self.request_duration = meter.create_histogram(
            "http.server.request.duration",
            unit="s",
            description="Duration of HTTP server requests.",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
        )
        self.coldstarts = meter.create_counter(
            "faas.coldstarts", unit="{coldstart}", description="Number of invocation cold starts."
        )
        self.init_duration = meter.create_histogram(
            "faas.init_duration",
            unit="s",
            description="Duration of the function's initialization: process start to handler ready.",
            explicit_bucket_boundaries_advisory=INIT_BUCKETS,
        )
        self.process_duration = meter.create_histogram(
            "messaging.process.duration",
            unit="s",
            description="Duration of processing one message, by outcome.",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
        )
        self.event_lag = meter.create_histogram(
            "wellness.event.lag",
            unit="s",
            description="Time from an event's occurredAt to its handling by a subscriber.",
            explicit_bucket_boundaries_advisory=LAG_BUCKETS,
        )
        self.sent_messages = meter.create_counter(
            "messaging.client.sent.messages",
            unit="{message}",
            description="Messages a producer attempted to publish; failures carry error.type.",
        )
        self.outbox_pending = meter.create_gauge(
            "wellness.outbox.pending", unit="{event}", description="Events in the outbox not yet published."
        )
        self.outbox_oldest_age = meter.create_gauge(
            "wellness.outbox.oldest_age", unit="s", description="Age of the oldest unpublished outbox event."
        )
        self.throttle_rejections = meter.create_counter(
            "wellness.throttle.rejections",
            unit="{request}",
            description="Requests refused by a throttle (429).",
        )


def _get() -> _Instruments:
    global _instruments
    if _instruments is None:
        with _lock:
            if _instruments is None:
                meter = (
                    _provider.get_meter(INSTRUMENTATION_NAME)
                    if _provider is not None
                    else metrics_api.NoOpMeter(INSTRUMENTATION_NAME)
                )
                _instruments = _Instruments(meter)
    return _instruments


def configure(settings: Settings, *, reader: MetricReader | None = None) -> None:
    """Create this instance's MeterProvider (OTLP when settings.metrics_exporter is otlp); later calls are no-ops.

    `reader` adds a reader of the caller's (tests read with InMemoryMetricReader).
    """
    global _provider, _instruments
    with _lock:
        if _provider is not None:
            return
        readers: list[MetricReader] = [reader] if reader is not None else []
        exporting = settings.metrics_exporter == "otlp"
        if not readers and not exporting:
            return
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

        from . import telemetry

        if exporting:
            lazy = _LazyOtlpExporter(settings)
            # An infinite interval: no thread of the SDK's own; telemetry decides when to collect.
            otlp_reader = PeriodicExportingMetricReader(
                cast("MetricExporter", lazy), export_interval_millis=float("inf")
            )
            readers.append(otlp_reader)
            clock = telemetry.ExportClock(settings.metrics_interval_seconds)

            def send(final: bool) -> None:
                if final:
                    clock.wait_gap(MIN_EXIT_GAP_SECONDS, budget=MIN_EXIT_GAP_SECONDS)
                elif not clock.due():
                    return
                clock.mark()
                otlp_reader.collect(timeout_millis=lazy.timeout * 1000)

            telemetry.register(send, prepare=lazy.build)
            telemetry.set_timing(
                flush_seconds=settings.telemetry_flush_seconds, tick_seconds=settings.metrics_interval_seconds
            )
        # shutdown_on_exit=False: the SDK's own atexit hook would close the exporter before
        # telemetry's exit round (registered earlier, so run later) sends the last points.
        _provider = MeterProvider(resource=telemetry.resource(settings), metric_readers=readers, shutdown_on_exit=False)
        _instruments = None  # rebuilt on the real meter


class _LazyOtlpExporter:
    """The OTLP metric exporter, built on first export by the telemetry thread (gRPC stays off the cold start).

    Duck-types the SDK's MetricExporter as PeriodicExportingMetricReader uses it.
    """

    def __init__(self, settings: Settings):
        self._settings = settings
        self._exporter: Any = None
        self._built_in = 0
        self.timeout = max(5.0, settings.telemetry_flush_seconds)
        # None: the reader's defaults, cumulative for every instrument, as Managed Service
        # for Prometheus (and Prometheus) expect.
        self._preferred_temporality = None
        self._preferred_aggregation = None

    def export(self, metrics_data: Any, timeout_millis: float = 10_000, **kwargs: Any) -> Any:
        return self.build().export(metrics_data, timeout_millis=timeout_millis)

    def build(self) -> Any:
        """This process's exporter, built on first use (a forked child builds its own channel)."""
        if self._built_in != os.getpid():
            from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter

            from . import telemetry

            telemetry.quiet_sdk_logs()
            endpoint, credentials = telemetry.otlp_target(self._settings)
            # ≤ 200 points per request (the Telemetry API's limit); we have far fewer streams than that.
            self._exporter = OTLPMetricExporter(
                endpoint=endpoint,
                insecure=credentials is None,
                credentials=credentials,
                timeout=self.timeout,
                max_export_batch_size=200,
            )
            self._built_in = os.getpid()
        return self._exporter

    def force_flush(self, timeout_millis: float = 10_000) -> bool:
        return True

    def shutdown(self, timeout_millis: float = 30_000, **kwargs: Any) -> None:
        if self._exporter is not None:
            self._exporter.shutdown()


# -- what the platform records ------------------------------------------------------------


def _process_start() -> float:
    """When this process started (epoch seconds), from /proc; the import time elsewhere."""
    try:
        with open(f"/proc/{os.getpid()}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        with open("/proc/uptime", "rb") as uptime:
            seconds_up = float(uptime.read().split()[0])
        started_after_boot = int(fields[19]) / os.sysconf("SC_CLK_TCK")
        return time.time() - seconds_up + started_after_boot
    except (OSError, ValueError, IndexError):
        return _init_started


def initialization_started() -> None:
    """The composition root calls this: the process's own start is where initialization began."""
    global _init_started
    _init_started = min(_init_started, _process_start())


def handler_ready() -> None:
    """A decorator calls this when it has wrapped the handler: main.py's import is (nearly) done."""
    global _init_finished
    _init_finished = time.time()


def _first_invocation(trigger: str) -> None:
    global _cold
    if not _cold:
        return
    with _lock:
        if not _cold:
            return
        _cold = False
    instruments = _get()
    attributes = {"faas.trigger": trigger}
    instruments.coldstarts.add(1, attributes)
    finished = _init_finished if _init_finished is not None else time.time()
    instruments.init_duration.record(max(0.0, finished - _init_started), attributes)


def http_request(
    method: str, route: str | None, status: int, seconds: float, *, error_type: str | None = None, trigger: str = "http"
) -> None:
    """One answered HTTP request (the first one of an instance also counts the cold start).

    >>> http_request("POST", "/v1/auth/signup", 201, 0.042)
    """
    _first_invocation(trigger)
    attributes: dict[str, str | int] = {"http.request.method": method, "http.response.status_code": status}
    if route:
        attributes["http.route"] = route
    if error_type is None and status >= 500:
        error_type = str(status)
    if error_type:
        attributes["error.type"] = error_type
    _get().request_duration.record(seconds, attributes)


def message_processed(
    topic: str, consumer: str, outcome: str, seconds: float, *, occurred_at: str | None = None
) -> None:
    """One push delivery handled: outcome is applied, duplicate, dropped (about an erased user), rejected or retried.

    >>> message_processed("user.created", "profile-on-user-created", "applied", 0.03)
    """
    _first_invocation("pubsub")
    instruments = _get()
    attributes = {
        "messaging.system": PUBSUB,
        "messaging.destination.name": topic,
        "messaging.consumer.group.name": consumer,
    }
    instruments.process_duration.record(seconds, {**attributes, "wellness.outcome": outcome})
    lag = event_lag(occurred_at) if occurred_at else None
    if lag is not None:
        instruments.event_lag.record(
            lag, {"messaging.destination.name": topic, "messaging.consumer.group.name": consumer}
        )


def event_lag(occurred_at: str, now: dt.datetime | None = None) -> float | None:
    """Seconds from an event's occurredAt until now (None when the timestamp does not parse).

    >>> event_lag("2026-01-01T00:00:00Z", dt.datetime(2026, 1, 1, 0, 0, 2, tzinfo=dt.UTC))
    2.0
    """
    from .clock import parse_timestamp, utc_now

    try:
        happened = parse_timestamp(occurred_at)
    except ValueError:
        return None
    return max(0.0, ((now or utc_now()) - happened).total_seconds())


def messages_sent(topic: str, count: int, *, error_type: str | None = None) -> None:
    """Messages handed to Pub/Sub for `topic`; with error_type, ones that failed to publish."""
    attributes = {"messaging.system": PUBSUB, "messaging.destination.name": topic}
    if error_type:
        attributes["error.type"] = error_type
    _get().sent_messages.add(count, attributes)


def outbox_backlog(store: str, pending: int, oldest_seconds: float) -> None:
    """The outbox of `store` (postgres, firestore): how many events wait, and for how long the oldest has."""
    instruments = _get()
    instruments.outbox_pending.set(pending, {"wellness.store": store})
    instruments.outbox_oldest_age.set(oldest_seconds, {"wellness.store": store})


def throttled(name: str) -> None:
    """A throttle refused a request (a domain calls this where it answers 429).

    >>> throttled("login")
    """
    _get().throttle_rejections.add(1, {"wellness.throttle.name": name})


def observe_pool(pool: Pool, name: str) -> None:
    """Report a SQLAlchemy pool's connections (used, idle, max) at every collection."""
    if _provider is None:
        return
    from opentelemetry.metrics import CallbackOptions, Observation

    meter = _provider.get_meter(INSTRUMENTATION_NAME)
    base = {"db.client.connection.pool.name": name}

    def count(options: CallbackOptions) -> Iterable[Observation]:
        used = int(pool.checkedout())  # type: ignore[attr-defined]
        idle = int(pool.checkedin())  # type: ignore[attr-defined]
        return [
            Observation(used, {**base, "db.client.connection.state": "used"}),
            Observation(idle, {**base, "db.client.connection.state": "idle"}),
        ]

    def maximum(options: CallbackOptions) -> Iterable[Observation]:
        return [Observation(int(pool.size()) + max(0, int(pool._max_overflow)), base)]  # type: ignore[attr-defined]

    meter.create_observable_up_down_counter(
        "db.client.connection.count", [count], unit="{connection}", description="Connections in the pool, by state."
    )
    meter.create_observable_up_down_counter(
        "db.client.connection.max", [maximum], unit="{connection}", description="The pool's most connections."
    )


def _reset_for_tests() -> None:
    """Forget the provider and the cold-start state so a test can configure() again.

    >>> _reset_for_tests()
    """
    global _provider, _instruments, _cold, _init_finished
    with _lock:
        provider, _provider, _instruments, _cold, _init_finished = _provider, None, None, True, None
    if provider is not None:
        provider.shutdown(timeout_millis=1000)
