"""The local OTLP receiver: spans as scripts/dev traces reads them, metrics as Prometheus samples."""

from __future__ import annotations

import json
import time
from pathlib import Path

import cramjam
import pytest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.metrics.v1.metrics_pb2 import Histogram, HistogramDataPoint, Metric, NumberDataPoint, Sum
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

from devstack.stack.otlp_receiver import _write_request_class, remote_write_body, series, serve, span_records
from devstack.stack.procs import free_port
from devstack.stack.traces import format_traces

pytestmark = pytest.mark.unit


def kv(key: str, value: str | int) -> KeyValue:
    return KeyValue(
        key=key, value=AnyValue(int_value=value) if isinstance(value, int) else AnyValue(string_value=value)
    )


RESOURCE = [kv("service.name", "auth-signup"), kv("service.instance.id", "i-1")]


def test_a_span_becomes_one_traces_jsonl_record() -> None:
    request = ExportTraceServiceRequest()
    resource_spans = request.resource_spans.add()
    resource_spans.resource.attributes.extend(RESOURCE)
    span = resource_spans.scope_spans.add().spans.add()
    span.CopyFrom(
        Span(
            trace_id=bytes.fromhex("0af7651916cd43dd8448eb211c80319c"),
            span_id=bytes.fromhex("00f067aa0ba902b7"),
            name="POST /v1/auth/signup",
            kind=Span.SPAN_KIND_SERVER,
            start_time_unix_nano=1_700_000_000_000_000_000,
            end_time_unix_nano=1_700_000_000_250_000_000,
            status=Status(code=Status.STATUS_CODE_ERROR),
            attributes=[kv("http.response.status_code", 500)],
        )
    )

    (record,) = span_records(request)

    assert record == {
        "traceId": "0af7651916cd43dd8448eb211c80319c",
        "spanId": "00f067aa0ba902b7",
        "parentSpanId": None,
        "name": "POST /v1/auth/signup",
        "service": "auth-signup",
        "kind": "SERVER",
        "start": "2023-11-14T22:13:20.000000Z",
        "end": "2023-11-14T22:13:20.250000Z",
        "durationMs": 250.0,
        "status": "ERROR",
        "attributes": {"http.response.status_code": 500},
    }


def metrics_request(*metrics: Metric) -> ExportMetricsServiceRequest:
    request = ExportMetricsServiceRequest()
    resource_metrics = request.resource_metrics.add()
    resource_metrics.resource.attributes.extend(RESOURCE)
    resource_metrics.scope_metrics.add().metrics.extend(metrics)
    return request


def test_a_histogram_becomes_cumulative_buckets_sum_and_count_with_prometheus_names() -> None:
    point = HistogramDataPoint(
        time_unix_nano=2_000_000_000,
        count=3,
        sum=0.9,
        explicit_bounds=[0.1, 0.5],
        bucket_counts=[1, 1, 1],
        attributes=[kv("http.route", "/v1/auth/signup"), kv("http.response.status_code", 201)],
    )
    metric = Metric(name="http.server.request.duration", histogram=Histogram(data_points=[point]))

    samples = {
        dict(labels)["__name__"] + dict(labels).get("le", ""): value
        for labels, value, _ in series(metrics_request(metric))
    }
    labels = dict(next(iter(series(metrics_request(metric))))[0])

    assert samples == {
        "http_server_request_duration_bucket0.1": 1.0,
        "http_server_request_duration_bucket0.5": 2.0,
        "http_server_request_duration_bucket+Inf": 3.0,
        "http_server_request_duration_sum": 0.9,
        "http_server_request_duration_count": 3.0,
    }
    assert labels["job"] == "auth-signup" and labels["instance"] == "i-1"
    assert labels["http_route"] == "/v1/auth/signup" and labels["http_response_status_code"] == "201"


def test_remote_write_body_is_snappy_protobuf_with_sorted_labels() -> None:
    counter = Metric(
        name="faas.coldstarts",
        sum=Sum(
            data_points=[NumberDataPoint(as_int=1, time_unix_nano=5_000_000, attributes=[kv("faas.trigger", "http")])]
        ),
    )
    body = remote_write_body(list(series(metrics_request(counter))))

    decoded = _write_request_class()()
    decoded.ParseFromString(bytes(cramjam.snappy.decompress_raw(body)))
    (timeseries,) = decoded.timeseries
    assert [(label.name, label.value) for label in timeseries.labels] == [
        ("__name__", "faas_coldstarts"),
        ("faas_trigger", "http"),
        ("instance", "i-1"),
        ("job", "auth-signup"),
    ]
    assert (timeseries.samples[0].value, timeseries.samples[0].timestamp) == (1.0, 5)


def test_the_receiver_serves_grpc_and_scripts_dev_traces_shows_what_it_wrote(tmp_path: Path) -> None:
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    port, traces = free_port(), tmp_path / "traces.jsonl"
    server = serve(port, traces, prometheus_url=None)
    try:
        provider = TracerProvider(resource=Resource.create({"service.name": "auth-signup"}))
        provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=f"127.0.0.1:{port}", insecure=True)))
        tracer = provider.get_tracer("test")
        with tracer.start_as_current_span("POST /v1/auth/signup"), tracer.start_as_current_span("publish user.created"):
            pass
        provider.shutdown()
        deadline = time.monotonic() + 5
        while len(traces.read_text().splitlines() if traces.exists() else []) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        server.stop(grace=0)

    assert all(json.loads(line)["service"] == "auth-signup" for line in traces.read_text().splitlines())
    tree = format_traces(traces).splitlines()
    assert "POST /v1/auth/signup [auth-signup]" in tree[1] and "  publish user.created" in tree[2]
