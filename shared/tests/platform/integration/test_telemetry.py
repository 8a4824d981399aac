"""Telemetry over real OTLP/gRPC: what arrives, and that a hanging receiver never holds an answer long.

A hanging receiver is shown by counting the waits: one flush waits its own bound (1 s),
then the exporter is known to hang and the answers after it do not wait at all. No
test times an answer (a loaded 2-core machine would make that flaky).
"""

import threading
import time
from collections.abc import Iterator
from typing import Any

import flask
import pytest

from wellness.platform import metrics, telemetry, tracing
from wellness.platform.config import load_settings
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import Runtime
from wellness_testing.otlp import HangingReceiver, OtlpSink

pytestmark = pytest.mark.integration


def flush_waits(monkeypatch: pytest.MonkeyPatch) -> list[float | None]:
    """The timeout of every wait a flush makes for the telemetry thread (counted, not timed)."""
    seen: list[float | None] = []
    wait_for = threading.Condition.wait_for

    def spy(self: threading.Condition, predicate: Any, timeout: float | None = None) -> Any:
        # The telemetry thread's own idle wait (tick_seconds) is not a flush.
        if self is telemetry._exporter._cond and threading.current_thread().name != "wellness-telemetry":
            seen.append(timeout)
        return wait_for(self, predicate, timeout)

    monkeypatch.setattr(threading.Condition, "wait_for", spy)
    return seen


def settings(endpoint: str, **env: str):
    return load_settings(
        {
            "GOOGLE_CLOUD_PROJECT": "demo",
            "FUNCTION_NAME": "auth-signup",
            "TRACE_EXPORTER": "otlp",
            "METRICS_EXPORTER": "otlp",
            "OTLP_ENDPOINT": endpoint,
            "METRICS_INTERVAL_SECONDS": "5",
            **env,
        }
    )


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    tracing._reset_for_tests()
    metrics._reset_for_tests()
    yield
    tracing._reset_for_tests()
    metrics._reset_for_tests()


def configure(endpoint: str) -> Runtime:
    configured = settings(endpoint)
    tracing.configure(configured)
    metrics.configure(configured)
    return Runtime(configured)


def serve(runtime: Runtime):
    @endpoint("authJwks", runtime)
    def handler(request: ApiRequest) -> ApiResponse:
        return ApiResponse(200, {"keys": []})

    return handler


def get(handler, headers: dict[str, str] | None = None) -> flask.Response:
    app = flask.Flask(__name__)
    with app.test_request_context("/v1/auth/jwks", method="GET", headers=headers or {}):
        response: flask.Response = handler(flask.request)
        return response


def test_spans_and_metrics_reach_an_otlp_receiver_named_as_the_semantic_conventions_say() -> None:
    with OtlpSink() as sink:
        handler = serve(configure(sink.endpoint))
        response = get(handler, {"X-Trace-Id": "app-7f3a"})
        deadline = time.monotonic() + 10
        while not (sink.span_names() and sink.metric_names()) and time.monotonic() < deadline:
            time.sleep(0.05)

    assert response.status_code == 200
    assert sink.span_names() == ["GET /v1/auth/jwks"]
    assert {"http.server.request.duration", "faas.coldstarts", "faas.init_duration"} <= sink.metric_names()
    resource = sink.resource_attributes()
    assert resource["service.name"] == "auth-signup" and resource["gcp.project_id"] == "demo"
    assert resource["service.instance.id"]
    span = sink.trace_requests[0].resource_spans[0].scope_spans[0].spans[0]
    assert response.headers["X-Trace-Id"] == span.trace_id.hex()
    assert {kv.key: kv.value.string_value for kv in span.attributes}["clientTraceId"] == "app-7f3a"


def test_a_receiver_that_never_answers_delays_one_answer_by_the_bound_and_the_next_ones_not_at_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with HangingReceiver() as hung:
        handler = serve(configure(hung.endpoint))
        waits = flush_waits(monkeypatch)
        statuses = [get(handler).status_code for _ in range(5)]

    assert statuses == [200] * 5
    # One answer waited, for the flush bound; the exporter is then known to hang: no one waits for it again.
    assert waits == [telemetry._exporter.flush_seconds], waits


def test_flush_returns_within_its_bound_while_the_exporter_hangs(monkeypatch: pytest.MonkeyPatch) -> None:
    with HangingReceiver() as hung:
        configure(hung.endpoint)
        with tracing.tracer().start_as_current_span("x"):
            pass
        waits = flush_waits(monkeypatch)
        delivered = telemetry.flush()

    assert delivered is False and waits == [telemetry._exporter.flush_seconds]  # gave up at its bound


def test_metrics_leave_at_most_once_per_interval() -> None:
    with OtlpSink() as sink:
        handler = serve(configure(sink.endpoint))
        for _ in range(4):
            get(handler)

    # The first answer sends the cold start at once; the next three fall within 5 s of it.
    assert len(sink.metric_requests) == 1
