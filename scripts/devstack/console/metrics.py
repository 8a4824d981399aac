"""The console's live graphs: a few PromQL range queries against the stack's local Prometheus.

The stack records Prometheus as the process `prometheus` (with its URL) when it runs
one; without it the graphs say "Prometheus not running" and nothing else changes.
Metric names are the OpenTelemetry ones as the local OTLP receiver writes them (dots
become underscores, no unit suffix added): `http.server.request.duration` is
`http_server_request_duration_{bucket,count,sum}`.

    Usage::

        graphs = range_graphs("http://127.0.0.1:9090", minutes=15)
        graphs[0]["title"], graphs[0]["series"][0]["points"][:1]   # -> ('Requests per second', [[1764500000.0, 0.4]])
"""

from __future__ import annotations

import dataclasses
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from devstack.stack.state import StackState

NOT_RUNNING = "Prometheus not running"


@dataclasses.dataclass(frozen=True)
class Graph:
    title: str
    unit: str
    query: str


GRAPHS = (
    Graph("Requests per second, by function", "req/s", "sum by (job) (rate(http_server_request_duration_count[1m]))"),
    Graph(
        "p95 latency, all requests",
        "s",
        "histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_bucket[1m])))",
    ),
    Graph(
        "Event lag p95 (occurred → handled), by subscriber",
        "s",
        "histogram_quantile(0.95, sum by (le, messaging_consumer_group_name) (rate(wellness_event_lag_bucket[1m])))",
    ),
    Graph("Outbox: oldest pending event, by store", "s", "max by (wellness_store) (wellness_outbox_oldest_age)"),
)


def prometheus_url(state: StackState) -> str | None:
    """The URL of the stack's Prometheus, when it started one and it is alive."""
    record = state.processes.get("prometheus")
    if not record or not record.get("url"):
        return None
    alive = next((row["alive"] for row in state.status() if row["name"] == "prometheus"), False)
    return str(record["url"]) if alive else None


def _query_range(base: str, query: str, start: float, end: float, step: float) -> list[dict[str, Any]]:
    params = urllib.parse.urlencode({"query": query, "start": start, "end": end, "step": step})
    with urllib.request.urlopen(f"{base}/api/v1/query_range?{params}", timeout=5) as resp:  # noqa: S310 (local)
        answer = json.loads(resp.read())
    if answer.get("status") != "success":
        raise ValueError(answer.get("error", "query failed"))
    series = []
    for result in answer["data"]["result"]:
        labels = {k: v for k, v in result["metric"].items() if k != "__name__"}
        label = ", ".join(f"{k}={v}" for k, v in sorted(labels.items())) or "all"
        points = [[float(t), float(v)] for t, v in result["values"] if v not in ("NaN", "+Inf", "-Inf")]
        series.append({"label": label, "points": points})
    return series


def range_graphs(base: str | None, minutes: int = 15, step: float = 15.0) -> dict[str, Any]:
    """{available, reason, graphs: [{title, unit, query, series: [{label, points: [[t, v]…]}], error}]}."""
    if base is None:
        return {"available": False, "reason": NOT_RUNNING, "graphs": []}
    end = time.time()
    start = end - 60 * minutes
    graphs = []
    for graph in GRAPHS:
        entry: dict[str, Any] = {**dataclasses.asdict(graph), "series": [], "error": None}
        try:
            entry["series"] = _query_range(base, graph.query, start, end, step)
        except urllib.error.URLError as exc:
            return {"available": False, "reason": f"{NOT_RUNNING} ({base} did not answer: {exc.reason})", "graphs": []}
        except (OSError, ValueError, KeyError) as exc:
            entry["error"] = f"{type(exc).__name__}: {exc}"[:200]
        graphs.append(entry)
    return {"available": True, "reason": None, "graphs": graphs, "url": base}
