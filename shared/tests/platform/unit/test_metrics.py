"""The platform's metrics, read back with the SDK's in-memory reader: names, attributes, outcomes."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from wellness.platform import metrics
from wellness.platform.config import load_settings

pytestmark = pytest.mark.unit


@pytest.fixture
def reader() -> Iterator[InMemoryMetricReader]:
    metrics._reset_for_tests()
    memory = InMemoryMetricReader()
    metrics.configure(load_settings({"GOOGLE_CLOUD_PROJECT": "p", "FUNCTION_NAME": "f"}), reader=memory)
    yield memory
    metrics._reset_for_tests()


def points(reader: InMemoryMetricReader) -> dict[str, list[Any]]:
    data = reader.get_metrics_data()
    found: dict[str, list[Any]] = {}
    for resource_metrics in data.resource_metrics if data else []:
        for scope in resource_metrics.scope_metrics:
            for metric in scope.metrics:
                found.setdefault(metric.name, []).extend(metric.data.data_points)
    return found


def test_an_http_request_is_measured_by_route_and_the_first_one_is_the_cold_start(reader) -> None:
    metrics.handler_ready()
    metrics.http_request("GET", "/v1/programs/{programId}", 200, 0.02)
    metrics.http_request("GET", "/v1/programs/{programId}", 503, 0.3)

    found = points(reader)
    durations = {p.attributes["http.response.status_code"]: p for p in found["http.server.request.duration"]}
    assert durations[200].attributes == {
        "http.request.method": "GET",
        "http.route": "/v1/programs/{programId}",
        "http.response.status_code": 200,
    }
    assert durations[503].attributes["error.type"] == "503" and durations[503].count == 1
    assert [p.value for p in found["faas.coldstarts"]] == [1]
    assert found["faas.init_duration"][0].attributes == {"faas.trigger": "http"}


def test_deliveries_are_measured_by_outcome_with_their_lag(reader) -> None:
    an_hour_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    metrics.message_processed("user.created", "profile-on-user-created", "applied", 0.01, occurred_at=an_hour_ago)
    metrics.message_processed("user.created", "profile-on-user-created", "duplicate", 0.01)

    found = points(reader)
    outcomes = sorted(p.attributes["wellness.outcome"] for p in found["messaging.process.duration"])
    assert outcomes == ["applied", "duplicate"]
    (lag,) = found["wellness.event.lag"]
    assert 3500 < lag.sum < 3700
    assert lag.attributes == {
        "messaging.destination.name": "user.created",
        "messaging.consumer.group.name": "profile-on-user-created",
    }


def test_publishes_outbox_and_throttle(reader) -> None:
    metrics.messages_sent("user.created", 1)
    metrics.messages_sent("user.created", 1, error_type="DeadlineExceeded")
    metrics.outbox_backlog("postgres", 3, 42.0)
    metrics.throttled("login")

    found = points(reader)
    sent = {p.attributes.get("error.type"): p.value for p in found["messaging.client.sent.messages"]}
    assert sent == {None: 1, "DeadlineExceeded": 1}
    assert [p.value for p in found["wellness.outbox.pending"]] == [3]
    assert [p.value for p in found["wellness.outbox.oldest_age"]] == [42.0]
    assert [(p.attributes, p.value) for p in found["wellness.throttle.rejections"]] == [
        ({"wellness.throttle.name": "login"}, 1)
    ]


def test_without_configure_recording_is_a_no_op() -> None:
    metrics._reset_for_tests()
    metrics.http_request("GET", "/v1/programs", 200, 0.01)
    metrics.throttled("login")
