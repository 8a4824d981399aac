"""Telemetry end to end: requests through the gateway, then PromQL on the stack's Prometheus and the trace tree.

The functions export over OTLP/gRPC to the stack's receiver exactly as they would to
Google's Telemetry API; metrics leave every 5 s locally, so answers are awaited.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from devstack import observability
from devstack.stack import accounts
from devstack.stack.prometheus import INSTALL_HINT, query
from devstack.stack.traces import format_traces, group_traces, load_spans
from wellness_api_client.api.auth import auth_signup
from wellness_api_client.models import Session, SignupRequest

from .conftest import eventually, ok

pytestmark = pytest.mark.e2e

SUBSCRIBERS = {
    "profile-on-user-created",
    "program-on-user-created",
    "reporting-on-user-created",
    "notifications-on-user-created",
}


@pytest.fixture
def prometheus(local_stack: Any) -> str:
    if local_stack.prometheus_url is None:
        pytest.skip(f"the local stack runs without Prometheus: {INSTALL_HINT}")
    return str(local_stack.prometheus_url)


def value(prometheus: str, promql: str) -> float:
    """The sum of an instant query's values (0 when nothing matches yet)."""
    result = query(prometheus, promql)["data"]["result"]
    return sum(float(sample["value"][1]) for sample in result)


def test_a_signup_is_counted_timed_and_traced_to_its_four_subscribers(
    gateway: str, local_stack: Any, prometheus: str
) -> None:
    client_trace = f"app-{uuid.uuid4().hex[:12]}"
    before = value(prometheus, 'http_server_request_duration_count{http_route="/v1/auth/signup"}')
    email = f"obs-{uuid.uuid4().hex[:10]}@example.com"
    app = accounts.client(gateway).with_headers({"X-Trace-Id": client_trace})  # the app's own trace id
    body = SignupRequest(email=email, password=accounts.PASSWORD, display_name="Obs", timezone="UTC")
    response = auth_signup.sync_detailed(client=app, body=body)
    ok(response, Session, 201)
    trace_id = response.headers["X-Trace-Id"]
    assert len(trace_id) == 32

    route = 'http_route="/v1/auth/signup"'
    eventually(lambda: value(prometheus, f"http_server_request_duration_count{{{route}}}") > before, timeout=30)
    assert value(prometheus, f'http_server_request_duration_bucket{{{route}, le="+Inf"}}') > 0
    assert value(prometheus, f"http_server_request_duration_sum{{{route}}}") > 0
    assert value(prometheus, 'faas_coldstarts{job="auth-signup"}') >= 1
    eventually(
        lambda: (
            value(
                prometheus,
                'messaging_process_duration_count{messaging_consumer_group_name="profile-on-user-created",'
                ' wellness_outcome="applied"}',
            )
            >= 1
        ),
        timeout=30,
    )
    eventually(lambda: query(prometheus, 'wellness_outbox_pending{wellness_store="postgres"}')["data"]["result"], 30)
    assert query(prometheus, 'wellness_outbox_oldest_age{wellness_store="firestore"}')["data"]["result"]

    def whole_trace() -> list[dict[str, Any]] | None:
        spans = group_traces(load_spans(local_stack.traces_file)).get(trace_id, [])
        return spans if {s["service"] for s in spans} >= SUBSCRIBERS | {"auth-signup"} else None

    spans = eventually(whole_trace, timeout=30)
    by_id = {s["spanId"]: s for s in spans}
    (server,) = [s for s in spans if s["name"] == "POST /v1/auth/signup"]
    (publish,) = [s for s in spans if s["name"] == "publish user.created"]
    assert server["attributes"]["clientTraceId"] == client_trace
    assert by_id[publish["parentSpanId"]] is server
    applied = [s for s in spans if s["name"] == "apply user.created"]
    assert {s["service"] for s in applied} == SUBSCRIBERS
    assert all(s["parentSpanId"] == publish["spanId"] for s in applied)

    tree = format_traces(local_stack.traces_file, trace_id).splitlines()
    assert "POST /v1/auth/signup [auth-signup]" in tree[1]
    # The prompt publish, or the relay's when the prompt one gave up (0.5 s on a loaded machine):
    # either way the publish sits under the request that wrote the event.
    assert re.search(r"  publish user\.created \[(auth-signup|outbox-relay)\]", tree[2]), tree[2]
    assert all("    apply user.created" in line for line in tree[3:7])


def test_every_alert_and_panel_query_is_accepted_by_the_local_prometheus(prometheus: str) -> None:
    for alert in observability.alerts(local=True):
        assert query(prometheus, alert["query"])["status"] == "success", alert["name"]
    for domain, title, promql in observability.dashboard_queries(local=True):
        assert query(prometheus, promql)["status"] == "success", (domain, title)
