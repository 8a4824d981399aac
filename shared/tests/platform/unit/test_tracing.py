import datetime as dt
import json
import os
import pathlib
import subprocess
import sys

import pytest
from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode

from wellness.platform import tracing
from wellness.platform.config import SettingsError, load_settings

pytestmark = pytest.mark.unit

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
SHARED = pathlib.Path(__file__).resolve().parents[3]


def settings(**env: str):
    return load_settings({"GOOGLE_CLOUD_PROJECT": "demo", "FUNCTION_NAME": "journal-create", **env})


@pytest.fixture(autouse=True)
def reset():
    tracing._reset_for_tests()
    yield
    tracing._reset_for_tests()


def read_spans(path: pathlib.Path) -> dict[str, dict]:
    spans = [json.loads(line) for line in path.read_text().splitlines()]
    return {span["name"]: span for span in spans}


def test_file_exporter_writes_spans_with_parent_ids_after_flush(tmp_path):
    path = tmp_path / "spans.jsonl"
    tracing.configure(settings(TRACE_EXPORTER="file", TRACE_FILE=str(path)))

    with tracing.tracer().start_as_current_span("POST /journal", kind=SpanKind.SERVER) as parent:
        parent.set_attribute("http.response.status_code", 201)
        with tracing.tracer().start_as_current_span("insert entry") as child:
            child.set_status(StatusCode.ERROR)
    assert tracing.flush() is True

    spans = read_spans(path)
    server, insert = spans["POST /journal"], spans["insert entry"]
    assert server["traceId"] == insert["traceId"] == f"{parent.get_span_context().trace_id:032x}"
    assert server["spanId"] == f"{parent.get_span_context().span_id:016x}"
    assert insert["parentSpanId"] == server["spanId"] and server["parentSpanId"] is None
    assert server["service"] == "journal-create" and server["kind"] == "SERVER" and insert["kind"] == "INTERNAL"
    assert server["attributes"] == {"http.response.status_code": 201}
    assert insert["status"] == "ERROR" and server["status"] == "UNSET"
    start, end = (dt.datetime.fromisoformat(server[key]) for key in ("start", "end"))
    assert server["start"].endswith("Z") and start <= end
    assert server["durationMs"] == pytest.approx((end - start).total_seconds() * 1000, abs=0.01)


def test_span_under_an_extracted_context_has_the_remote_parent(tmp_path):
    path = tmp_path / "spans.jsonl"
    tracing.configure(settings(TRACE_EXPORTER="file", TRACE_FILE=str(path)))

    context = tracing.extract({"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"})
    with tracing.tracer().start_as_current_span("apply entry.created", context=context, kind=SpanKind.CONSUMER):
        pass
    tracing.flush()

    span = read_spans(path)["apply entry.created"]
    assert span["traceId"] == TRACE_ID and span["parentSpanId"] == "00f067aa0ba902b7"


def test_configure_is_idempotent(tmp_path):
    tracing.configure(settings())
    first = tracing.tracer()
    tracing.configure(settings(TRACE_EXPORTER="file", TRACE_FILE=str(tmp_path / "ignored.jsonl")))

    assert tracing.tracer() is first
    with tracing.tracer().start_as_current_span("x"):
        pass
    tracing.flush()
    assert not (tmp_path / "ignored.jsonl").exists()


def test_none_exporter_still_creates_spans_for_log_correlation():
    tracing.configure(settings(TRACE_EXPORTER="none"))

    assert tracing.current_ids() is None
    with tracing.tracer().start_as_current_span("x") as span:
        trace_id, span_id, sampled = tracing.current_ids()
    assert trace_id == f"{span.get_span_context().trace_id:032x}" and len(trace_id) == 32
    assert span_id == f"{span.get_span_context().span_id:016x}" and sampled is True
    assert tracing.flush() is True


def test_file_exporter_needs_a_trace_file():
    with pytest.raises(SettingsError, match="TRACE_FILE"):
        tracing.configure(settings(TRACE_EXPORTER="file"))


def test_otlp_is_the_cloud_default_and_the_exporter_is_not_built_at_configure(monkeypatch):
    configured = settings(APP_ENV="test", TRACE_EXPORTER="otlp", OTLP_ENDPOINT="http://127.0.0.1:9")
    built = []
    monkeypatch.setattr("wellness.platform.spans.SpanBuffer.prepare", lambda self: built.append(self))

    tracing.configure(configured)

    assert (
        load_settings({"GOOGLE_CLOUD_PROJECT": "p", "FUNCTION_NAME": "f", "APP_ENV": "prod"}).trace_exporter == "otlp"
    )
    assert built == []  # gRPC and the exporter wait for the telemetry thread


def test_unsampled_traces_still_give_logs_their_ids_but_export_nothing(tmp_path):
    path = tmp_path / "spans.jsonl"
    tracing.configure(settings(TRACE_EXPORTER="file", TRACE_FILE=str(path), TRACE_SAMPLE_RATIO="0"))

    with tracing.tracer().start_as_current_span("x"):
        trace_id, _, sampled = tracing.current_ids()
    tracing.flush()

    assert len(trace_id) == 32 and sampled is False
    assert not path.exists() or path.read_text() == ""


def test_a_sampled_caller_is_followed_whatever_the_ratio(tmp_path):
    path = tmp_path / "spans.jsonl"
    tracing.configure(settings(TRACE_EXPORTER="file", TRACE_FILE=str(path), TRACE_SAMPLE_RATIO="0"))

    context = tracing.extract({"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"})
    with tracing.tracer().start_as_current_span("child", context=context):
        pass
    tracing.flush()

    assert read_spans(path)["child"]["traceId"] == TRACE_ID


def test_the_sample_ratio_must_be_a_fraction():
    with pytest.raises(SettingsError, match="TRACE_SAMPLE_RATIO"):
        settings(TRACE_SAMPLE_RATIO="1.5")


def test_inject_writes_w3c_only_even_after_reading_the_cloud_trace_header():
    tracing.configure(settings())
    context = tracing.extract({"X-Cloud-Trace-Context": f"{TRACE_ID}/1;o=1"})

    with tracing.tracer().start_as_current_span("publish", context=context):
        carrier = tracing.inject()

    assert set(carrier) == {"traceparent"} and TRACE_ID in carrier["traceparent"]


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Cloud-Trace-Context": f"{TRACE_ID}/67667974448284343;o=1"},
        {"x-cloud-trace-context": f"{TRACE_ID}/67667974448284343;o=1"},
        {"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"},
        {"Traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"},
    ],
)
def test_extract_reads_either_header(headers):
    context = trace.get_current_span(tracing.extract(headers)).get_span_context()

    assert context.is_valid and context.is_remote and context.trace_flags.sampled
    assert f"{context.trace_id:032x}" == TRACE_ID
    assert context.span_id == 67667974448284343 == 0x00F067AA0BA902B7


def test_traceparent_wins_when_both_headers_are_present():
    headers = {
        "X-Cloud-Trace-Context": "11111111111111111111111111111111/1;o=1",
        "traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01",
    }

    context = trace.get_current_span(tracing.extract(headers)).get_span_context()

    assert f"{context.trace_id:032x}" == TRACE_ID


def test_extract_without_trace_headers_gives_no_span():
    assert not trace.get_current_span(tracing.extract({"Content-Type": "application/json"})).get_span_context().is_valid


def test_inject_round_trips_the_current_span():
    tracing.configure(settings())
    assert tracing.inject() == {}

    with tracing.tracer().start_as_current_span("publish") as span:
        carrier = tracing.inject()
    expected = span.get_span_context()

    assert set(carrier) == {"traceparent"}
    assert carrier["traceparent"] == f"00-{expected.trace_id:032x}-{expected.span_id:016x}-{expected.trace_flags:02x}"
    assert expected.trace_flags.sampled
    extracted = trace.get_current_span(tracing.extract(carrier)).get_span_context()
    assert (extracted.trace_id, extracted.span_id) == (expected.trace_id, expected.span_id)


def test_importing_the_library_loads_no_sdk_or_cloud_client():
    code = (
        "import sys, wellness.platform.logs, wellness.platform.tracing, wellness.platform.secrets\n"
        "heavy = [m for m in sys.modules if m.startswith(('opentelemetry.sdk', 'opentelemetry.exporter',"
        " 'google.cloud.secretmanager', 'grpc', 'google.api_core'))]\n"
        "print(heavy)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SHARED)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "[]"
