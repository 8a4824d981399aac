"""OpenTelemetry tracing, set up once per instance.

`configure(settings)` builds a TracerProvider named after the function and picks the
exporter from settings.trace_exporter:

    none     spans are created (so logs carry trace ids) but never exported
    file     one JSON object per span per line, appended to settings.trace_file
    console  the SDK's ConsoleSpanExporter, one span per line on stdout
    gcp      Cloud Trace (the exporter and its gRPC client are imported only then)

Spans are batched; Cloud Run throttles the CPU once the response is sent, so a
function calls `flush()` before it returns. Incoming trace context is read from
either `traceparent` or `X-Cloud-Trace-Context`; outgoing context (event envelopes,
Pub/Sub attributes) is W3C `traceparent` only.

Never put request bodies, journal text, mail bodies, tokens or other secrets in span
attributes or span names: traces are kept and shown outside the logs' redaction.
Use ids, routes, counts and status codes.

    >>> configure(settings)  # doctest: +SKIP
    >>> with tracer().start_as_current_span("POST /journal", context=extract(request.headers)):  # doctest: +SKIP
    ...     publish(envelope, attributes=inject())
    >>> flush()  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Mapping, Sequence
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

INSTRUMENTATION_NAME = "wellness"

# The SDK is imported in configure(), not here: wellness.logs imports this module
# and must stay cheap for functions that never configure tracing.
_lock = threading.Lock()
_provider: TracerProvider | None = None
_tracer: trace.Tracer | None = None
_extractor: TextMapPropagator | None = None
_injector: TextMapPropagator | None = None


def configure(settings: Settings) -> None:
    """Create this instance's TracerProvider; later calls are no-ops.

    >>> configure(load_settings())  # doctest: +SKIP
    """
    global _provider, _tracer
    with _lock:
        if _provider is not None:
            return
        from opentelemetry.propagate import set_global_textmap
        from opentelemetry.sdk.resources import SERVICE_NAME, Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        provider = TracerProvider(resource=Resource.create({SERVICE_NAME: settings.function_name}))
        exporter = _exporter(settings)
        if exporter is not None:
            provider.add_span_processor(BatchSpanProcessor(exporter))
        set_global_textmap(_extract_propagator())
        # The global provider can be set only once per process; we keep our own reference so
        # tests can reset and reconfigure, and set the global just for third-party code.
        if isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
            trace.set_tracer_provider(provider)
        _provider = provider
        _tracer = provider.get_tracer(INSTRUMENTATION_NAME)


def _exporter(settings: Settings) -> SpanExporter | None:
    kind = settings.trace_exporter
    if kind == "none":
        return None
    if kind == "file":
        settings.require("trace_file")
        return cast("SpanExporter", JsonFileSpanExporter(str(settings.trace_file)))  # duck-typed, see the class
    if kind == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        return ConsoleSpanExporter(
            service_name=settings.function_name, formatter=lambda span: span.to_json(indent=None) + "\n"
        )
    if kind == "gcp":
        # Heavy (gRPC, google-cloud-trace): only functions that export to Cloud Trace pay for it.
        from opentelemetry.exporter.cloud_trace import CloudTraceSpanExporter

        return CloudTraceSpanExporter(project_id=settings.project_id)  # type: ignore[no-untyped-call]
    raise ValueError(f"unknown trace exporter {kind!r}: expected none, file, console or gcp")


def tracer() -> trace.Tracer:
    """The library's tracer (a no-op one until configure() has run).

    >>> with tracer().start_as_current_span("load-entries"):  # doctest: +SKIP
    ...     pass
    """
    return _tracer if _tracer is not None else trace.get_tracer(INSTRUMENTATION_NAME)


def flush(timeout_millis: int = 2000) -> bool:
    """Export every finished span now; True when all were exported in time.

    >>> flush()  # before returning the response, while the CPU is still allocated
    True
    """
    provider = _provider
    return True if provider is None else provider.force_flush(timeout_millis)


def extract(headers: Mapping[str, str]) -> Context:
    """A Context carrying the caller's span from `traceparent` or `X-Cloud-Trace-Context`.

    >>> ctx = extract({"X-Cloud-Trace-Context": "0af7651916cd43dd8448eb211c80319c/1;o=1"})
    >>> trace.get_current_span(ctx).get_span_context().trace_id == 0x0AF7651916CD43DD8448EB211C80319C
    True
    """
    # Header names are case-insensitive but the W3C propagator looks up lowercase keys only.
    carrier = {str(key).lower(): value for key, value in headers.items()}
    return _extract_propagator().extract(carrier)


def inject() -> dict[str, str]:
    """The current span as a W3C carrier ({"traceparent": ...}); empty outside a span.

    >>> inject()
    {}
    """
    global _injector
    if _injector is None:
        from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

        _injector = TraceContextTextMapPropagator()
    carrier: dict[str, str] = {}
    _injector.inject(carrier)
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


def _extract_propagator() -> TextMapPropagator:
    global _extractor
    if _extractor is None:
        from opentelemetry.propagators.cloud_trace_propagator import CloudTraceFormatPropagator
        from opentelemetry.propagators.composite import CompositePropagator
        from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

        # Later propagators overwrite earlier ones: when Google's front end sends both
        # headers, traceparent wins because it also carries tracestate.
        _extractor = CompositePropagator([CloudTraceFormatPropagator(), TraceContextTextMapPropagator()])
    return _extractor


class JsonFileSpanExporter:
    """Appends one JSON object per span per line to a file (local runs and tests).

    Duck-types the SDK's SpanExporter so this module need not import the SDK.

    >>> JsonFileSpanExporter("/tmp/spans.jsonl")  # doctest: +SKIP
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
    global _provider, _tracer
    with _lock:
        provider, _provider, _tracer = _provider, None, None
    if provider is not None:
        provider.shutdown()
