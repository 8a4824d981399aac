"""OpenTelemetry tracing, set up once per instance.

`configure(settings)` builds a TracerProvider named after the function, sampling
`settings.trace_sample_ratio` of new traces (parent-based: a caller's sampled flag
wins, so one user action is kept or dropped whole), and picks the exporter from
settings.trace_exporter:

    none     spans are created (so logs carry trace ids) but never exported
    file     one JSON object per span per line, appended to settings.trace_file (tests)
    console  the SDK's ConsoleSpanExporter, one span per line on stdout
    otlp     OTLP/gRPC to settings.otlp_endpoint: Google's Telemetry API (Cloud Trace)
             in the cloud, the local stack's receiver locally (the exporter and gRPC are
             imported by the telemetry thread, not at cold start)

Finished spans wait in a bounded buffer (`spans.SpanBuffer`); Cloud Run throttles the
CPU once the response is sent, so a function calls `telemetry.flush()` before it
returns (the http and subscriber decorators do), which waits about a second at most.
Incoming trace context is read from `traceparent` or `X-Cloud-Trace-Context` (the
one-way Cloud Trace propagator with W3C, as the propagator package recommends);
outgoing context (event envelopes, Pub/Sub attributes) is W3C `traceparent` only.

Never put request bodies, journal text, mail bodies, tokens or other secrets in span
attributes or span names: traces are kept and shown outside the logs' redaction.
Use ids, routes, counts and status codes.

A function's request, in outline (the http and subscriber decorators do this; configure
sets this process's provider once, so it is prose rather than a doctest)::

    configure(settings)
    with tracer().start_as_current_span("POST /journal", context=extract(request.headers)):
        publish(envelope, attributes=inject())
    telemetry.flush()
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from opentelemetry import trace
from opentelemetry.trace import format_span_id, format_trace_id

from .clock import timestamp

if TYPE_CHECKING:
    from opentelemetry.context import Context
    from opentelemetry.propagators.textmap import TextMapPropagator
    from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

    from .config import Settings
    from .spans import SpanBuffer

INSTRUMENTATION_NAME = "wellness"

# The SDK is imported in configure(), not here: wellness.logs imports this module
# and must stay cheap for functions that never configure tracing.
_lock = threading.Lock()
_provider: TracerProvider | None = None
_tracer: trace.Tracer | None = None
_composite: TextMapPropagator | None = None
_buffer: SpanBuffer | None = None


def configure(settings: Settings) -> None:
    """Create this instance's TracerProvider; later calls are no-ops.

    Usage (once, at a function's import)::

        configure(load_settings())
    """
    global _provider, _tracer, _buffer
    with _lock:
        if _provider is not None:
            return
        from opentelemetry.propagate import set_global_textmap
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

        from . import telemetry
        from .spans import SpanBuffer

        provider = TracerProvider(
            resource=telemetry.resource(settings),
            sampler=ParentBased(TraceIdRatioBased(settings.trace_sample_ratio)),
            shutdown_on_exit=False,  # telemetry's exit round sends what is left, then nothing is closed early
        )
        make_exporter = _exporter(settings)
        if make_exporter is not None:
            _buffer = SpanBuffer(make_exporter)
            provider.add_span_processor(_buffer)
            telemetry.register(_buffer.send, prepare=_buffer.prepare)
            telemetry.set_timing(
                flush_seconds=settings.telemetry_flush_seconds, tick_seconds=settings.metrics_interval_seconds
            )
        set_global_textmap(_propagator())
        # The global provider can be set only once per process; we keep our own reference so
        # tests can reset and reconfigure, and set the global just for third-party code.
        if isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
            trace.set_tracer_provider(provider)
        _provider = provider
        _tracer = provider.get_tracer(INSTRUMENTATION_NAME)


def _exporter(settings: Settings) -> Callable[[], SpanExporter | None] | None:
    """How to build the exporter (called once, by the thread that sends), or None to export nothing."""
    kind = settings.trace_exporter
    if kind == "none":
        return None
    if kind == "file":
        path = str(settings.require("trace_file").trace_file)
        return lambda: cast("SpanExporter", JsonFileSpanExporter(path))  # duck-typed, see the class
    if kind == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        name = settings.function_name
        return lambda: ConsoleSpanExporter(service_name=name, formatter=lambda span: span.to_json(indent=None) + "\n")
    if kind == "otlp":
        from . import telemetry
        from .spans import otlp_exporter

        def build() -> SpanExporter:
            telemetry.quiet_sdk_logs()
            endpoint, credentials = telemetry.otlp_target(settings)
            # The exporter's own deadline (retries included) frees a stuck telemetry thread.
            return otlp_exporter(endpoint, credentials, timeout=max(5.0, settings.telemetry_flush_seconds))

        return build
    raise ValueError(f"unknown trace exporter {kind!r}: expected none, file, console or otlp")


def tracer() -> trace.Tracer:
    """The library's tracer (a no-op one until configure() has run).

    >>> with tracer().start_as_current_span("load-entries") as span:
    ...     span.get_span_context().is_valid in (True, False)   # valid once configured
    True
    """
    return _tracer if _tracer is not None else trace.get_tracer(INSTRUMENTATION_NAME)


def flush(timeout_seconds: float | None = None) -> bool:
    """Send every finished span (and metrics, when due) now, waiting about a second at most.

    >>> flush()  # before returning the response, while the CPU is still allocated
    True
    """
    from . import telemetry

    return telemetry.flush(timeout_seconds)


def trace_id() -> str | None:
    """The current trace's id (32 hex), as the X-Trace-Id header gives it to the app.

    >>> trace_id() is None  # outside any span
    True
    """
    ids = current_ids()
    return ids[0] if ids else None


def extract(headers: Mapping[str, str]) -> Context:
    """A Context carrying the caller's span from `traceparent` or `X-Cloud-Trace-Context`.

    >>> ctx = extract({"X-Cloud-Trace-Context": "0af7651916cd43dd8448eb211c80319c/1;o=1"})
    >>> trace.get_current_span(ctx).get_span_context().trace_id == 0x0AF7651916CD43DD8448EB211C80319C
    True
    """
    # Header names are case-insensitive but the W3C propagator looks up lowercase keys only.
    carrier = {str(key).lower(): value for key, value in headers.items()}
    return _propagator().extract(carrier)


def inject() -> dict[str, str]:
    """The current span as a W3C carrier ({"traceparent": ...}); empty outside a span.

    >>> inject()
    {}
    """
    carrier: dict[str, str] = {}
    _propagator().inject(carrier)
    return carrier


def current_ids() -> tuple[str, str, bool] | None:
    """(trace id as 32 hex, span id as 16 hex, sampled) of the current span, or None.

    >>> current_ids() is None  # outside any span
    True
    """
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format_trace_id(context.trace_id), format_span_id(context.span_id), context.trace_flags.sampled


def _propagator() -> TextMapPropagator:
    global _composite
    if _composite is None:
        from opentelemetry.propagators.cloud_trace_propagator import CloudTraceOneWayPropagator
        from opentelemetry.propagators.composite import CompositePropagator
        from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

        # Later propagators overwrite earlier ones: when Google's front end sends both
        # headers, traceparent wins because it also carries tracestate. The Cloud Trace
        # format is read, never written (one-way): what we send on is W3C only.
        _composite = CompositePropagator([CloudTraceOneWayPropagator(), TraceContextTextMapPropagator()])
    return _composite


class JsonFileSpanExporter:
    """Appends one JSON object per span per line to a file (local runs and tests).

    Duck-types the SDK's SpanExporter so this module need not import the SDK.

    >>> import pathlib, tempfile
    >>> from opentelemetry.sdk.trace import TracerProvider
    >>> span = TracerProvider().get_tracer("doctest").start_span("load-entries")
    >>> span.end()
    >>> path = pathlib.Path(tempfile.mkdtemp(), "spans.jsonl")
    >>> JsonFileSpanExporter(str(path)).export([span]).name
    'SUCCESS'
    >>> record = json.loads(path.read_text())
    >>> record["name"], record["kind"]
    ('load-entries', 'INTERNAL')
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        from opentelemetry.sdk.trace.export import SpanExportResult

        lines = "".join(json.dumps(_span_record(span), default=str, separators=(",", ":")) + "\n" for span in spans)
        try:
            # One write per batch under a lock: concurrent batches never interleave lines.
            with self._lock, open(self.path, "a", encoding="utf-8") as file:
                file.write(lines)
                file.flush()
        except OSError:
            return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True

    def shutdown(self) -> None:
        return None


def _span_record(span: ReadableSpan) -> dict[str, Any]:
    context = span.get_span_context()
    start, end = span.start_time or 0, span.end_time or span.start_time or 0
    return {
        "traceId": format_trace_id(context.trace_id) if context else None,
        "spanId": format_span_id(context.span_id) if context else None,
        "parentSpanId": format_span_id(span.parent.span_id) if span.parent else None,
        "name": span.name,
        "service": span.resource.attributes.get("service.name"),
        "kind": span.kind.name,
        "start": _rfc3339(start),
        "end": _rfc3339(end),
        "durationMs": round((end - start) / 1e6, 3),
        "status": span.status.status_code.name,
        "attributes": dict(span.attributes or {}),
    }


def _rfc3339(nanos: int) -> str:
    return timestamp(dt.datetime.fromtimestamp(nanos / 1e9, tz=dt.UTC))


def _reset_for_tests() -> None:
    """Shut down and forget the provider so a test can configure() again.

    >>> _reset_for_tests()
    """
    global _provider, _tracer, _buffer
    from . import telemetry

    with _lock:
        provider, _provider, _tracer, _buffer = _provider, None, None, None
    telemetry._reset_for_tests()
    if provider is not None:
        provider.shutdown()
