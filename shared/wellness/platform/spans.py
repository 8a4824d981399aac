"""The SDK side of tracing: finished spans wait in a bounded buffer until `telemetry` sends them.

Imported only by `tracing.configure()`, so modules that merely create spans (logs,
events) never load the SDK. The SDK's BatchSpanProcessor is not used: its thread
exports on its own schedule (lost when Cloud Run throttles the CPU) and its
`force_flush` in 1.45 waits as long as the exporter takes, whatever timeout it is
given. Here the buffer is drained by the telemetry thread, which `flush()` waits for
with a hard bound.

How `tracing.configure()` wires it (once per process, so prose rather than a doctest)::

    buffer = SpanBuffer(lambda: exporter)
    provider.add_span_processor(buffer)
    telemetry.register(buffer.send)
"""

from __future__ import annotations

import collections
import logging
import os
import threading
from collections.abc import Callable

from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

log = logging.getLogger(__name__)

MAX_BUFFERED = 2048  # an exporter down for long drops the oldest spans, never the instance's memory
BATCH = 512


class SpanBuffer(SpanProcessor):
    """Keeps finished, sampled spans until `send()`; the exporter is built on first use, in the sender's process."""

    def __init__(self, make_exporter: Callable[[], SpanExporter | None]):
        self._make_exporter = make_exporter
        self._exporter: SpanExporter | None = None
        self._built_in = 0  # the pid that built the exporter: a forked child builds its own channel
        self._spans: collections.deque[ReadableSpan] = collections.deque(maxlen=MAX_BUFFERED)
        self._failing = False
        self._lock = threading.Lock()

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        return None

    def on_end(self, span: ReadableSpan) -> None:
        if span.context is not None and span.context.trace_flags.sampled:
            self._spans.append(span)

    def pending(self) -> int:
        return len(self._spans)

    def prepare(self) -> SpanExporter | None:
        """The exporter of this process, built on first use."""
        if self._built_in != os.getpid():
            self._exporter, self._built_in = self._make_exporter(), os.getpid()
        return self._exporter

    def send(self, final: bool = False) -> None:
        """Export everything buffered (the telemetry thread calls this)."""
        with self._lock:
            exporter = self.prepare()
            batch: list[ReadableSpan] = []
            while self._spans:
                batch.append(self._spans.popleft())
            if exporter is None or not batch:
                return
            for start in range(0, len(batch), BATCH):
                self._report(exporter.export(batch[start : start + BATCH]), len(batch))

    def _report(self, result: SpanExportResult, count: int) -> None:
        failed = result != SpanExportResult.SUCCESS
        if failed and not self._failing:
            log.warning("spans could not be exported; dropping them until the exporter answers again")
        elif not failed and self._failing:
            log.info("spans are exported again")
        self._failing = failed

    def shutdown(self) -> None:
        if self._exporter is not None:
            self._exporter.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        from . import telemetry

        return telemetry.flush(timeout_millis / 1000)


def otlp_exporter(endpoint: str, credentials: object, timeout: float) -> SpanExporter:
    """The OTLP/gRPC span exporter (grpc and the protos are imported here, off the cold start path)."""
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter(endpoint=endpoint, insecure=credentials is None, credentials=credentials, timeout=timeout)
