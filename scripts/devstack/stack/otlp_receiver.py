"""The local stack's OTLP/gRPC receiver: spans to traces.jsonl, metrics to Prometheus by remote write.

The functions export exactly as in the cloud (OTLP over gRPC, `OTLP_ENDPOINT`);
this stands in for Google's Telemetry API, because no OpenTelemetry Collector can be
installed here and Debian's Prometheus (2.42) has a remote-write receiver but no
OTLP one:

- spans become one JSON object a line in the traces file, the shape `scripts/dev
  traces` reads (traceId, spanId, parentSpanId, name, service, kind, start, end,
  durationMs, status, attributes);
- metric points become Prometheus samples, sent with the remote-write protocol
  (protobuf `prometheus.WriteRequest`, snappy block compression) to
  `--prometheus URL/api/v1/write`. Names are kept as sent but for characters
  Prometheus 2.42 refuses (`http.server.request.duration` becomes
  `http_server_request_duration`; no unit or `_total` suffix is added, as in
  Google's Managed Service for Prometheus, which keeps OTLP names as they are);
  histograms become `_bucket{le=…}`, `_sum` and `_count`; `job` is `service.name`
  and `instance` is `service.instance.id`. Without `--prometheus` (the package is
  not installed) metrics are accepted and dropped.

    python -m devstack.stack.otlp_receiver --port 4317 --traces .local/dev/traces.jsonl \
        --prometheus http://127.0.0.1:9090
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2, metrics_service_pb2_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.metrics.v1.metrics_pb2 import Metric
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

from devstack.stack.procs import LOCALHOST, until_stopped

Series = tuple[tuple[tuple[str, str], ...], float, int]  # sorted labels, value, timestamp (ms)
_INVALID = re.compile(r"[^a-zA-Z0-9_:]")
_KINDS = {value: name.removeprefix("SPAN_KIND_") for name, value in Span.SpanKind.items()}
_STATUS = {value: name.removeprefix("STATUS_CODE_") for name, value in Status.StatusCode.items()}


# -- spans ---------------------------------------------------------------------------------


def _value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [_value(item) for item in value.array_value.values]
    if kind == "kvlist_value":
        return _attributes(value.kvlist_value.values)
    if kind == "bytes_value":
        return value.bytes_value.hex()
    return getattr(value, kind) if kind else None


def _attributes(pairs: Iterable[KeyValue]) -> dict[str, Any]:
    return {pair.key: _value(pair.value) for pair in pairs}


def _rfc3339(nanos: int) -> str:
    moment = dt.datetime.fromtimestamp(nanos / 1e9, tz=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}Z"


def span_records(request: trace_service_pb2.ExportTraceServiceRequest) -> Iterator[dict[str, Any]]:
    """Every span of an OTLP export, as one traces.jsonl record."""
    for resource_spans in request.resource_spans:
        service = _attributes(resource_spans.resource.attributes).get("service.name")
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                end = span.end_time_unix_nano or span.start_time_unix_nano
                yield {
                    "traceId": span.trace_id.hex(),
                    "spanId": span.span_id.hex(),
                    "parentSpanId": span.parent_span_id.hex() or None,
                    "name": span.name,
                    "service": service,
                    "kind": _KINDS.get(span.kind, "UNSPECIFIED"),
                    "start": _rfc3339(span.start_time_unix_nano),
                    "end": _rfc3339(end),
                    "durationMs": round((end - span.start_time_unix_nano) / 1e6, 3),
                    "status": _STATUS.get(span.status.code, "UNSET"),
                    "attributes": _attributes(span.attributes),
                }


class TraceService(trace_service_pb2_grpc.TraceServiceServicer):
    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()

    def Export(  # noqa: N802 - the gRPC method's name
        self, request: trace_service_pb2.ExportTraceServiceRequest, context: grpc.ServicerContext
    ) -> trace_service_pb2.ExportTraceServiceResponse:
        lines = "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in span_records(request))
        with self._lock, open(self.path, "a", encoding="utf-8") as file:
            file.write(lines)  # one write per export: lines of concurrent exports never interleave
        return trace_service_pb2.ExportTraceServiceResponse()


# -- metrics -------------------------------------------------------------------------------


def prometheus_name(name: str) -> str:
    """A metric or label name Prometheus 2.42 accepts: dots and other characters become `_`.

    >>> prometheus_name("http.server.request.duration")
    'http_server_request_duration'
    """
    cleaned = _INVALID.sub("_", name)
    return f"_{cleaned}" if cleaned[:1].isdigit() else cleaned


def _le(bound: float) -> str:
    # Go's strconv.FormatFloat(v, 'g', -1, 64), as Prometheus writes bucket bounds: 0.5, 1, 2.5, +Inf.
    return "+Inf" if math.isinf(bound) else format(bound, "g")


def series(request: metrics_service_pb2.ExportMetricsServiceRequest) -> Iterator[Series]:
    """Every point of an OTLP export as Prometheus samples (see the module docstring for the mapping)."""
    for resource_metrics in request.resource_metrics:
        resource = _attributes(resource_metrics.resource.attributes)
        target = {
            "job": str(resource.get("service.name", "")),
            "instance": str(resource.get("service.instance.id", "")),
        }
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                yield from _metric_series(metric, target)


def _metric_series(metric: Metric, target: dict[str, str]) -> Iterator[Series]:
    name = prometheus_name(metric.name)

    def labelled(attributes: Iterable[KeyValue], **extra: str) -> tuple[tuple[str, str], ...]:
        labels = {prometheus_name(k): str(v) for k, v in _attributes(attributes).items()}
        labels.update(target)
        labels.update(extra)
        return tuple(sorted(labels.items()))

    kind = metric.WhichOneof("data")
    if kind in ("sum", "gauge"):
        for point in getattr(metric, kind).data_points:
            value = point.as_double if point.WhichOneof("value") == "as_double" else float(point.as_int)
            yield (("__name__", name), *labelled(point.attributes)), value, point.time_unix_nano // 1_000_000
    elif kind == "histogram":
        for h in metric.histogram.data_points:
            ms = h.time_unix_nano // 1_000_000
            cumulative = 0
            bounds = [*h.explicit_bounds, math.inf]
            for bound, count in zip(bounds, h.bucket_counts, strict=False):
                cumulative += count
                yield (("__name__", f"{name}_bucket"), *labelled(h.attributes, le=_le(bound))), float(cumulative), ms
            yield (("__name__", f"{name}_sum"), *labelled(h.attributes)), h.sum, ms
            yield (("__name__", f"{name}_count"), *labelled(h.attributes)), float(h.count), ms


def _write_request_class() -> Any:
    """prometheus.WriteRequest, built from its field numbers in prometheus/prometheus prompb/types.proto
    and remote.proto (Label{name=1,value=2}, Sample{value=1,timestamp=2}, TimeSeries{labels=1,samples=2},
    WriteRequest{timeseries=1}): four messages do not justify generated code or protoc."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    f = descriptor_pb2.FieldDescriptorProto
    file = descriptor_pb2.FileDescriptorProto(name="devstack_prompb.proto", package="prometheus", syntax="proto3")

    def message(name: str, *fields: tuple[str, int, int, str | None, bool]) -> None:
        msg = file.message_type.add(name=name)
        for field_name, number, type_, type_name, repeated in fields:
            added = msg.field.add(
                name=field_name,
                number=number,
                type=type_,
                label=f.LABEL_REPEATED if repeated else f.LABEL_OPTIONAL,
            )
            if type_name:
                added.type_name = type_name

    message("Label", ("name", 1, f.TYPE_STRING, None, False), ("value", 2, f.TYPE_STRING, None, False))
    message("Sample", ("value", 1, f.TYPE_DOUBLE, None, False), ("timestamp", 2, f.TYPE_INT64, None, False))
    message(
        "TimeSeries",
        ("labels", 1, f.TYPE_MESSAGE, ".prometheus.Label", True),
        ("samples", 2, f.TYPE_MESSAGE, ".prometheus.Sample", True),
    )
    message("WriteRequest", ("timeseries", 1, f.TYPE_MESSAGE, ".prometheus.TimeSeries", True))
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("prometheus.WriteRequest"))


_WriteRequest: Any = None


def remote_write_body(samples: Sequence[Series]) -> bytes:
    """The snappy-compressed protobuf body of one remote-write request."""
    global _WriteRequest
    import cramjam

    if _WriteRequest is None:
        _WriteRequest = _write_request_class()
    request = _WriteRequest()
    for labels, value, timestamp in samples:
        ts = request.timeseries.add()
        for label_name, label_value in labels:
            ts.labels.add(name=label_name, value=label_value)
        ts.samples.add(value=value, timestamp=timestamp)
    return bytes(cramjam.snappy.compress_raw(request.SerializeToString()))


class MetricsService(metrics_service_pb2_grpc.MetricsServiceServicer):
    def __init__(self, prometheus_url: str | None):
        self.write_url = f"{prometheus_url.rstrip('/')}/api/v1/write" if prometheus_url else None
        self._failing: str | None = None

    def Export(  # noqa: N802 - the gRPC method's name
        self, request: metrics_service_pb2.ExportMetricsServiceRequest, context: grpc.ServicerContext
    ) -> metrics_service_pb2.ExportMetricsServiceResponse:
        samples = list(series(request))
        if self.write_url and samples:
            self._write(samples)
        return metrics_service_pb2.ExportMetricsServiceResponse()

    def _write(self, samples: list[Series]) -> None:
        headers = {
            "Content-Type": "application/x-protobuf",
            "Content-Encoding": "snappy",
            "X-Prometheus-Remote-Write-Version": "0.1.0",
        }
        request = urllib.request.Request(  # noqa: S310 (a local URL)
            str(self.write_url), data=remote_write_body(samples), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (a local URL)
                response.read()
            error = None
        except urllib.error.HTTPError as exc:
            error = f"HTTP {exc.code}: {exc.read()[:300].decode(errors='replace')}"
        except OSError as exc:
            error = f"{type(exc).__name__}: {exc}"
        if error and error != self._failing:
            print(f"remote write to {self.write_url} failed: {error}", flush=True)
        elif error is None and self._failing:
            print(f"remote write to {self.write_url} works again", flush=True)
        self._failing = error


# -- the server ----------------------------------------------------------------------------


def serve(port: int, traces: Path, prometheus_url: str | None, host: str = LOCALHOST) -> grpc.Server:
    """Start the receiver (returns at once; server.stop() ends it)."""
    traces.parent.mkdir(parents=True, exist_ok=True)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(TraceService(traces), server)  # type: ignore[no-untyped-call]
    metrics_service_pb2_grpc.add_MetricsServiceServicer_to_server(  # type: ignore[no-untyped-call]
        MetricsService(prometheus_url), server
    )
    server.add_insecure_port(f"{host}:{port}")
    server.start()
    return server


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.stack.otlp_receiver", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--traces", type=Path, required=True, help="the JSON-lines file scripts/dev traces reads")
    parser.add_argument("--prometheus", help="Prometheus' base URL (remote-write receiver enabled)")
    args = parser.parse_args(argv)
    server = serve(args.port, args.traces, args.prometheus)
    where = f"metrics to {args.prometheus}" if args.prometheus else "metrics dropped (no Prometheus)"
    until_stopped(f"OTLP/gRPC receiver on {LOCALHOST}:{args.port}: spans to {args.traces}, {where}")
    server.stop(grace=2).wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
