"""OTLP/gRPC receivers for tests: one that records what it is sent, one that never answers
(accepts every connection, answers nothing).

A test points the settings' OTLP endpoint at one (the integration tests do)::

    with OtlpSink() as sink:
        settings = load_settings({..., "OTLP_ENDPOINT": sink.endpoint})
    with HangingReceiver() as hung:
        settings = load_settings({..., "OTLP_ENDPOINT": hung.endpoint})
"""

from __future__ import annotations

import socket
import threading
from concurrent import futures
from types import TracebackType
from typing import Any

import grpc
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2, metrics_service_pb2_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc


class OtlpSink(trace_service_pb2_grpc.TraceServiceServicer, metrics_service_pb2_grpc.MetricsServiceServicer):
    """A real gRPC server on 127.0.0.1 that keeps every export request."""

    def __init__(self) -> None:
        self.trace_requests: list[trace_service_pb2.ExportTraceServiceRequest] = []
        self.metric_requests: list[metrics_service_pb2.ExportMetricsServiceRequest] = []
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        trace_service_pb2_grpc.add_TraceServiceServicer_to_server(self, self._server)  # type: ignore[no-untyped-call]
        metrics_service_pb2_grpc.add_MetricsServiceServicer_to_server(self, self._server)  # type: ignore[no-untyped-call]
        self.port = self._server.add_insecure_port("127.0.0.1:0")

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def Export(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802 - gRPC's name
        if isinstance(request, trace_service_pb2.ExportTraceServiceRequest):
            self.trace_requests.append(request)
            return trace_service_pb2.ExportTraceServiceResponse()
        self.metric_requests.append(request)
        return metrics_service_pb2.ExportMetricsServiceResponse()

    def span_names(self) -> list[str]:
        return [
            span.name
            for request in self.trace_requests
            for resource_spans in request.resource_spans
            for scope in resource_spans.scope_spans
            for span in scope.spans
        ]

    def metric_names(self) -> set[str]:
        return {
            metric.name
            for request in self.metric_requests
            for resource_metrics in request.resource_metrics
            for scope in resource_metrics.scope_metrics
            for metric in scope.metrics
        }

    def resource_attributes(self) -> dict[str, Any]:
        request = (self.trace_requests or self.metric_requests)[0]
        first = request.resource_spans[0] if self.trace_requests else request.resource_metrics[0]
        return {kv.key: kv.value.string_value for kv in first.resource.attributes}

    def __enter__(self) -> OtlpSink:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop(grace=0)


class HangingReceiver:
    """A TCP listener that accepts connections, reads whatever comes, and never answers a byte."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._connections: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        self._listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._connections.append(connection)  # kept open, never written to

    def __enter__(self) -> HangingReceiver:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for connection in self._connections:
            connection.close()
        self._listener.close()
