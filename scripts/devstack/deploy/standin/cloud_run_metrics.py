"""What Cloud Run reports per revision, as samples: the rehearsal's stand-in for its metrics.

Cloud Run writes `run.googleapis.com/request_count` (by response_code_class) and
`run.googleapis.com/request_latencies` (a distribution, in ms) for every revision; Cloud
Monitoring's PromQL API serves them as `run_googleapis_com:request_count` and
`run_googleapis_com:request_latencies_bucket` (devstack.deploy.watch). Until the local stack
serves two revisions of a function itself (local candidates), the rehearsal writes what those
revisions would report into the local stack's Prometheus, by remote write, and the watch reads
them back with the query text it sends Cloud Monitoring. tests/deploy/test_watch.py loads the
same samples into a Prometheus of its own (`openmetrics`).
"""

from __future__ import annotations

import dataclasses
import urllib.request
from collections.abc import Iterator

from devstack.deploy import watch

STEP_SECONDS = 15  # between samples, as a scrape interval
BUCKETS_MS = (50, 100, 200, 400, 800, 1600)

Labels = tuple[tuple[str, str], ...]
Sample = tuple[Labels, float, int]  # labels with __name__, value, milliseconds since the epoch


@dataclasses.dataclass(frozen=True)
class Traffic:
    """One revision's requests in each STEP_SECONDS: how many, how many 5xx, and their latency."""

    calls: int
    errors: int
    latency_ms: float


def _labels(name: str, service: str, revision: str, **extra: str) -> Labels:
    labels = {
        "__name__": name,
        "monitored_resource": "cloud_run_revision",
        "service_name": service,
        "revision_name": revision,
        **extra,
    }
    return tuple(sorted(labels.items()))


def samples(service: str, traffic: dict[str, Traffic], end: int, count: int) -> Iterator[Sample]:
    """`count` cumulative samples per series, STEP_SECONDS apart, the last at `end` (seconds)."""
    start = end - STEP_SECONDS * (count - 1)
    for revision, t in traffic.items():
        for i in range(count):
            ms = (start + i * STEP_SECONDS) * 1000
            for klass, per_step in (("2xx", t.calls - t.errors), ("5xx", t.errors)):
                labels = _labels(watch.REQUESTS, service, revision, response_code_class=klass)
                yield labels, float(per_step * i), ms
            for le in (*BUCKETS_MS, "+Inf"):
                inside = t.calls if le == "+Inf" or t.latency_ms <= float(le) else 0
                yield _labels(watch.LATENCIES, service, revision, le=str(le)), float(inside * i), ms


def openmetrics(series: list[Sample]) -> str:
    """The samples as an OpenMetrics file for `promtool tsdb create-blocks-from openmetrics`."""
    families: dict[str, list[str]] = {}
    for labels, value, ms in sorted(series, key=lambda s: (s[0], s[2])):
        name = dict(labels)["__name__"]
        rendered = ",".join(f'{k}="{v}"' for k, v in labels if k != "__name__")
        families.setdefault(name, []).append(f"{name}{{{rendered}}} {value} {ms / 1000:.3f}")
    lines: list[str] = []
    for name, family in families.items():
        kind = "histogram" if name.endswith("_bucket") else "counter"
        lines += [f"# TYPE {name.removesuffix('_bucket')} {kind}", *family]
    return "\n".join([*lines, "# EOF", ""])


def remote_write(prometheus_url: str, series: list[Sample]) -> None:
    """Into a running Prometheus with the remote-write receiver on (the local stack's)."""
    from devstack.stack.otlp_receiver import remote_write_body

    request = urllib.request.Request(  # noqa: S310 (the local stack's Prometheus)
        f"{prometheus_url.rstrip('/')}/api/v1/write",
        data=remote_write_body(series),
        headers={
            "Content-Type": "application/x-protobuf",
            "Content-Encoding": "snappy",
            "X-Prometheus-Remote-Write-Version": "0.1.0",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (a local URL)
        response.read()
